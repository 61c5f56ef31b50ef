//! Where header values come from, without a web framework.

/// Read access to a request's headers, by case-insensitive name.
///
/// Implemented for slices and vectors of `(name, value)` pairs, for
/// [`std::collections::HashMap`]s of them and (feature `axum`) for
/// `http::HeaderMap`. Names are compared ASCII case-insensitively, as HTTP
/// requires. When a header occurs more than once, the verifiers call
/// [`HeaderSource::header_count`] and refuse the request: two signature
/// headers are never a legitimate delivery.
pub trait HeaderSource {
    /// The first value of the header called `name` (any case), as raw bytes.
    fn header(&self, name: &str) -> Option<&[u8]>;

    /// How many times the header called `name` occurs. The default says one
    /// when [`HeaderSource::header`] finds it and zero otherwise; sources
    /// that can hold repeated headers override it.
    fn header_count(&self, name: &str) -> usize {
        usize::from(self.header(name).is_some())
    }
}

impl<H: HeaderSource + ?Sized> HeaderSource for &H {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }

    fn header_count(&self, name: &str) -> usize {
        (**self).header_count(name)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(N, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    fn header_count(&self, name: &str) -> usize {
        self.iter()
            .filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            .count()
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>, const K: usize> HeaderSource for [(N, V); K] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn header_count(&self, name: &str) -> usize {
        self.as_slice().header_count(name)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> HeaderSource for Vec<(N, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }

    fn header_count(&self, name: &str) -> usize {
        self.as_slice().header_count(name)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>, S> HeaderSource for std::collections::HashMap<N, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    fn header_count(&self, name: &str) -> usize {
        self.keys()
            .filter(|n| n.as_ref().eq_ignore_ascii_case(name))
            .count()
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl HeaderSource for axum::http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        // `HeaderMap` lower-cases names on insertion; `get` with a `&str`
        // parses (and lower-cases) the name, so any case finds it.
        self.get(name).map(axum::http::HeaderValue::as_bytes)
    }

    fn header_count(&self, name: &str) -> usize {
        self.get_all(name).iter().count()
    }
}

#[cfg(test)]
mod tests {
    use super::HeaderSource;

    #[test]
    fn slices_match_names_in_any_case_and_count_repeats() {
        let headers: &[(&str, &[u8])] = &[
            ("X-Zm-Signature", b"v0=ab"),
            ("other", b"1"),
            ("x-zm-signature", b"v0=cd"),
        ];
        assert_eq!(headers.header("x-ZM-signature"), Some(&b"v0=ab"[..]));
        assert_eq!(headers.header_count("X-ZM-SIGNATURE"), 2);
        assert_eq!(headers.header("missing"), None);
        assert_eq!(headers.header_count("missing"), 0);
    }

    #[test]
    fn maps_match_names_in_any_case() {
        let mut map = std::collections::HashMap::new();
        map.insert(
            "Calendly-Webhook-Signature".to_owned(),
            "t=1,v1=00".to_owned(),
        );
        assert_eq!(
            map.header("calendly-webhook-signature"),
            Some(&b"t=1,v1=00"[..])
        );
        assert_eq!(map.header_count("CALENDLY-WEBHOOK-SIGNATURE"), 1);
    }

    #[cfg(feature = "axum")]
    #[test]
    fn header_maps_match_names_in_any_case_and_count_repeats() {
        let mut map = axum::http::HeaderMap::new();
        map.append("x-cal-signature-256", "aa".parse().unwrap());
        map.append("X-Cal-Signature-256", "bb".parse().unwrap());
        assert_eq!(map.header("X-CAL-SIGNATURE-256"), Some(&b"aa"[..]));
        assert_eq!(map.header_count("x-cal-signature-256"), 2);
        assert_eq!(map.header("not a valid header name"), None);
    }
}
