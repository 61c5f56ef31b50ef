//! The one outbound HTTP layer every vendor client goes through (in
//! progress: issue 12, section 1).
//!
//! What exists is the pure core, with time (and randomness) as arguments,
//! like the client's core: no sockets, no clocks, no tasks, so every rule is
//! unit- and property-tested.
//!
//! - [`VendorError`] / [`StatusError`]: a vendor's error answer read
//!   tolerantly (Zoom's `{code, message, errors[]}`, `{status:false,
//!   errorCode}`, non-JSON), with the HTTP status and whether and when the
//!   call may be retried ([`Retry`]). Nothing printed carries a token, a
//!   body or an e-mail address.
//!
//! Not yet: the reqwest executor that ties these together with tracing
//! spans, and budgets shared between instances through the store.

mod error;

pub use error::{
    BodyShape, FieldError, Retry, StatusError, VendorCode, VendorError, MAX_FIELD_ERRORS,
    MAX_MESSAGE_CHARS,
};
