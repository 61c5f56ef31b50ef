//! zoomkit-sim
