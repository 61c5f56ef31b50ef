//! zoomkit-core
