//! zoomkit-server
