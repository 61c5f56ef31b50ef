//! zoomkit
