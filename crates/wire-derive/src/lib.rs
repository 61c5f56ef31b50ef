//! Derives `zoomkit_core::wire::{Decode, Encode}` from the `#[serde(...)]`
//! attributes a type already carries, so serde's attributes stay the one
//! description of each JSON shape.
//!
//! Understood: container `rename_all`, `rename_all_fields`, `tag`, `content`, `transparent`,
//! `deny_unknown_fields`, `default`; field `rename`, `default`,
//! `default = "fn"`, `skip`, `skip_serializing_if`, `with = "m"` (calls
//! `m::wire_decode` / `m::wire_encode`), `deserialize_with = "f"` (calls
//! `f_wire`); variant `rename`, `rename_all`. Any other serde attribute is a
//! compile error, so a new one cannot silently change only one codec.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Fields, Ident, LitStr, Path, Variant};

/// `impl Decode`.
#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    decode(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `impl Encode`.
#[proc_macro_derive(Encode, attributes(serde))]
pub fn derive_encode(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    encode(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[derive(Default)]
struct Attrs {
    rename: Option<String>,
    rename_all: Option<String>,
    rename_all_fields: Option<String>,
    tag: Option<String>,
    content: Option<String>,
    transparent: bool,
    deny_unknown: bool,
    /// `Some(None)`: `default`; `Some(Some(f))`: `default = "f"`.
    default: Option<Option<Path>>,
    /// `skip`: never written; `Default::default()` when read.
    skip: bool,
    skip_if: Option<Path>,
    with: Option<Path>,
    deserialize_with: Option<Path>,
}

fn attrs(list: &[Attribute]) -> syn::Result<Attrs> {
    let mut a = Attrs::default();
    for attr in list.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|m| {
            let key = m
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let string = |m: &syn::meta::ParseNestedMeta<'_>| -> syn::Result<String> {
                Ok(m.value()?.parse::<LitStr>()?.value())
            };
            match key.as_str() {
                "rename" => a.rename = Some(string(&m)?),
                "rename_all" => a.rename_all = Some(string(&m)?),
                "rename_all_fields" => a.rename_all_fields = Some(string(&m)?),
                "tag" => a.tag = Some(string(&m)?),
                "content" => a.content = Some(string(&m)?),
                "transparent" => a.transparent = true,
                "deny_unknown_fields" => a.deny_unknown = true,
                "default" => {
                    a.default = Some(if m.input.peek(syn::Token![=]) {
                        Some(syn::parse_str(&string(&m)?)?)
                    } else {
                        None
                    });
                }
                "skip" => a.skip = true,
                "skip_serializing_if" => a.skip_if = Some(syn::parse_str(&string(&m)?)?),
                "with" => a.with = Some(syn::parse_str(&string(&m)?)?),
                "deserialize_with" => {
                    a.deserialize_with = Some(syn::parse_str(&string(&m)?)?);
                }
                _ => {
                    return Err(
                        m.error("zoomkit-wire-derive does not understand this serde attribute")
                    )
                }
            }
            Ok(())
        })?;
    }
    Ok(a)
}

fn unraw(id: &Ident) -> String {
    let s = id.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// serde's `rename_all` for a field (snake_case in Rust).
fn rename_field(name: &str, rule: Option<&str>) -> String {
    match rule {
        None | Some("snake_case" | "lowercase") => name.to_owned(),
        Some("camelCase") => {
            let mut out = String::new();
            let mut up = false;
            for c in name.chars() {
                if c == '_' {
                    up = true;
                } else if up {
                    out.extend(c.to_uppercase());
                    up = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
        Some("kebab-case") => name.replace('_', "-"),
        Some("SCREAMING_SNAKE_CASE") => name.to_uppercase(),
        Some(other) => panic!("rename_all = {other:?} is not supported"),
    }
}

/// serde's `rename_all` for a variant (PascalCase in Rust).
fn rename_variant(name: &str, rule: Option<&str>) -> String {
    let snake = || {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    match rule {
        None => name.to_owned(),
        Some("lowercase") => name.to_lowercase(),
        Some("camelCase") => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
        Some("snake_case") => snake(),
        Some("kebab-case") => snake().replace('_', "-"),
        Some("SCREAMING_SNAKE_CASE") => snake().to_uppercase(),
        Some(other) => panic!("rename_all = {other:?} is not supported"),
    }
}

fn wire() -> TokenStream {
    quote!(::zoomkit_core::wire)
}

struct Field {
    ident: Ident,
    key: String,
    attrs: Attrs,
}

fn named_fields(fields: &syn::FieldsNamed, rule: Option<&str>) -> syn::Result<Vec<Field>> {
    fields
        .named
        .iter()
        .map(|f| {
            let ident = f.ident.clone().expect("named field");
            let attrs = attrs(&f.attrs)?;
            let key = attrs
                .rename
                .clone()
                .unwrap_or_else(|| rename_field(&unraw(&ident), rule));
            Ok(Field { ident, key, attrs })
        })
        .collect()
}

/// Expressions building each field from `__m` (the object's members).
/// `container_default`: the fields come from `__d` when absent.
fn decode_fields(fields: &[Field], container_default: bool) -> Vec<TokenStream> {
    let w = wire();
    fields
        .iter()
        .map(|f| {
            let key = &f.key;
            let ident = &f.ident;
            if f.attrs.skip {
                return quote!(#ident: ::core::default::Default::default());
            }
            let absent = match (&f.attrs.default, container_default) {
                (Some(Some(path)), _) => quote!(#path()),
                (Some(None), _) => quote!(::core::default::Default::default()),
                (None, true) => quote!(__d.#ident),
                (None, false) if f.attrs.with.is_some() || f.attrs.deserialize_with.is_some() => {
                    quote!(return ::core::result::Result::Err(#w::Error::missing(#key)))
                }
                (None, false) => {
                    quote!(#w::Decode::absent().ok_or_else(|| #w::Error::missing(#key))?)
                }
            };
            let present = if let Some(m) = &f.attrs.with {
                quote!(#m::wire_decode(__v))
            } else if let Some(func) = &f.attrs.deserialize_with {
                let mut func = func.clone();
                let last = func.segments.last_mut().expect("a path has a segment");
                last.ident = format_ident!("{}_wire", last.ident);
                quote!(#func(__v))
            } else {
                quote!(#w::Decode::decode(__v))
            };
            // The common cases call one shared, non-inlined helper per field
            // type: per-field inline code was most of the codec's size.
            let plain = f.attrs.with.is_none() && f.attrs.deserialize_with.is_none();
            match (&f.attrs.default, container_default, plain) {
                (None, false, true) => quote!(#ident: #w::field(__m, #key)?),
                (Some(None), _, true) => quote!(#ident: #w::field_or_default(__m, #key)?),
                _ => quote! {
                    #ident: match #w::lookup(__m, #key) {
                        ::core::option::Option::Some(__v) => #present.map_err(|e| e.in_field(#key))?,
                        ::core::option::Option::None => #absent,
                    }
                },
            }
        })
        .collect()
}

/// Statements pushing each field (read through `access(ident)`) onto `__o`.
fn encode_fields(fields: &[Field], access: impl Fn(&Ident) -> TokenStream) -> Vec<TokenStream> {
    let w = wire();
    fields
        .iter()
        .filter(|f| !f.attrs.skip)
        .map(|f| {
            let key = &f.key;
            let val = access(&f.ident);
            let enc = if let Some(m) = &f.attrs.with {
                quote!(#m::wire_encode(#val))
            } else {
                quote!(#w::Encode::encode(#val))
            };
            let push = quote!(#w::put(&mut __o, #key, #enc););
            match &f.attrs.skip_if {
                Some(p) => quote!(if !#p(#val) { #push }),
                None => push,
            }
        })
        .collect()
}

/// The error for a shape neither derive supports.
fn unsupported(what: &str) -> syn::Error {
    syn::Error::new(Span::call_site(), format!("{what} are not supported"))
}

fn decode(input: &DeriveInput) -> syn::Result<TokenStream> {
    let w = wire();
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let a = attrs(&input.attrs)?;
    let body = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                let fields = named_fields(named, a.rename_all.as_deref())?;
                let inits = decode_fields(&fields, a.default.is_some());
                let deny = deny(&fields, a.deny_unknown, None);
                let d = a
                    .default
                    .is_some()
                    .then(|| quote!(let __d: Self = ::core::default::Default::default();));
                quote! {
                    let __m = __v.as_object()?;
                    #deny
                    #d
                    ::core::result::Result::Ok(#name { #(#inits,)* })
                }
            }
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                quote!(::core::result::Result::Ok(#name(#w::Decode::decode(__v)?)))
            }
            Fields::Unnamed(_) => return Err(unsupported("tuple structs")),
            Fields::Unit => quote!(::core::result::Result::Ok(#name)),
        },
        Data::Enum(e) => decode_enum(name, &a, e.variants.iter().collect())?,
        Data::Union(_) => return Err(unsupported("unions")),
    };
    Ok(quote! {
        impl #ig #w::Decode for #name #tg #wc {
            fn decode(__v: &#w::Value) -> ::core::result::Result<Self, #w::Error> {
                #body
            }
        }
    })
}

fn deny(fields: &[Field], on: bool, tag: Option<&str>) -> TokenStream {
    if !on {
        return quote!();
    }
    let w = wire();
    let keys = fields
        .iter()
        .filter(|f| !f.attrs.skip)
        .map(|f| f.key.as_str())
        .chain(tag);
    quote!(#w::deny_unknown(__m, &[#(#keys),*])?;)
}

struct V<'a> {
    v: &'a Variant,
    key: String,
    attrs: Attrs,
}

impl V<'_> {
    /// A struct variant's fields, renamed by the variant's `rename_all`, else
    /// the container's `rename_all_fields`.
    fn fields(&self, named: &syn::FieldsNamed, container: &Attrs) -> syn::Result<Vec<Field>> {
        let rule = self.attrs.rename_all.as_deref();
        named_fields(named, rule.or(container.rename_all_fields.as_deref()))
    }
}

fn variants<'a>(a: &Attrs, list: Vec<&'a Variant>) -> syn::Result<Vec<V<'a>>> {
    list.into_iter()
        .map(|v| {
            let attrs = attrs(&v.attrs)?;
            let key = attrs
                .rename
                .clone()
                .unwrap_or_else(|| rename_variant(&unraw(&v.ident), a.rename_all.as_deref()));
            Ok(V { v, key, attrs })
        })
        .collect()
}

/// For an enum of unit variants only, without a tag: its names as strings,
/// through one table (a `match` per variant on strings was most of the
/// size of these impls).
fn unit_only(a: &Attrs, vs: &[V<'_>]) -> bool {
    a.tag.is_none() && vs.iter().all(|v| matches!(v.v.fields, Fields::Unit))
}

fn decode_enum(name: &Ident, a: &Attrs, list: Vec<&Variant>) -> syn::Result<TokenStream> {
    let w = wire();
    let vs = variants(a, list)?;
    let keys: Vec<&str> = vs.iter().map(|v| v.key.as_str()).collect();
    if unit_only(a, &vs) && !vs.is_empty() {
        // `unit_variant` returns an index into `NAMES`, so the last variant
        // can take the `_` arm: no `unreachable!()` (and its panic message)
        // in every impl.
        let last = vs.len() - 1;
        let arms = vs.iter().enumerate().map(|(i, v)| {
            let id = &v.v.ident;
            if i == last {
                quote!(_ => ::core::result::Result::Ok(#name::#id),)
            } else {
                quote!(#i => ::core::result::Result::Ok(#name::#id),)
            }
        });
        return Ok(quote! {
            const NAMES: &[&str] = &[#(#keys),*];
            match #w::unit_variant(__v, NAMES)? {
                #(#arms)*
            }
        });
    }
    // Builds variant `v` from `__c` (its content).
    let build = |v: &V<'_>, deny_tag: Option<&str>| -> syn::Result<TokenStream> {
        let id = &v.v.ident;
        Ok(match &v.v.fields {
            Fields::Unit => quote!(::core::result::Result::Ok(#name::#id)),
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                quote!(::core::result::Result::Ok(#name::#id(#w::Decode::decode(__c)?)))
            }
            Fields::Unnamed(_) => {
                return Err(syn::Error::new_spanned(
                    id,
                    "tuple variants are not supported",
                ))
            }
            Fields::Named(named) => {
                let fields = v.fields(named, a)?;
                let inits = decode_fields(&fields, false);
                let deny = deny(&fields, a.deny_unknown, deny_tag);
                quote! {{
                    let __m = __c.as_object()?;
                    #deny
                    ::core::result::Result::Ok(#name::#id { #(#inits,)* })
                }}
            }
        })
    };
    let unknown = quote!(__other => ::core::result::Result::Err(#w::Error::unknown_variant(__other, &[#(#keys),*])));
    Ok(match (&a.tag, &a.content) {
        (Some(tag), content) => {
            let arms = vs
                .iter()
                .map(|v| {
                    let key = &v.key;
                    let b = match content {
                        Some(c) => {
                            let inner = build(v, None)?;
                            match &v.v.fields {
                                // serde reads a unit variant's content as `()`:
                                // absent or null.
                                Fields::Unit => quote! {{
                                    match #w::lookup(__m, #c) {
                                        ::core::option::Option::None | ::core::option::Option::Some(#w::Value::Null) => {}
                                        ::core::option::Option::Some(__other) => {
                                            return ::core::result::Result::Err(#w::Error::expected("null", __other).in_field(#c));
                                        }
                                    }
                                    #inner
                                }},
                                _ => quote! {{
                                    let __c = #w::lookup(__m, #c).ok_or_else(|| #w::Error::missing(#c))?;
                                    (|| -> ::core::result::Result<Self, #w::Error> { #inner })().map_err(|e| e.in_field(#c))
                                }},
                            }
                        }
                        None => {
                            let inner = build(v, Some(tag))?;
                            quote!({ let __c = __v; #inner })
                        }
                    };
                    Ok(quote!(#key => #b,))
                })
                .collect::<syn::Result<Vec<_>>>()?;
            quote! {
                let __m = __v.as_object()?;
                let __t = #w::lookup(__m, #tag)
                    .ok_or_else(|| #w::Error::missing(#tag))?
                    .as_str()
                    .map_err(|e| e.in_field(#tag))?;
                match __t {
                    #(#arms)*
                    #unknown.map_err(|e| e.in_field(#tag)),
                }
            }
        }
        (None, Some(_)) => return Err(syn::Error::new(Span::call_site(), "`content` needs `tag`")),
        (None, None) => {
            let unit_arms = vs
                .iter()
                .filter(|v| matches!(v.v.fields, Fields::Unit))
                .map(|v| {
                    let key = &v.key;
                    let id = &v.v.ident;
                    quote!(#key => ::core::result::Result::Ok(#name::#id),)
                });
            let data_arms = vs
                .iter()
                .filter(|v| !matches!(v.v.fields, Fields::Unit))
                .map(|v| {
                    let key = &v.key;
                    let inner = build(v, None)?;
                    Ok(quote!(#key => (|| -> ::core::result::Result<Self, #w::Error> { #inner })().map_err(|e| e.in_field(#key)),))
                })
                .collect::<syn::Result<Vec<_>>>()?;
            let expected = if vs.iter().all(|v| matches!(v.v.fields, Fields::Unit)) {
                "a string"
            } else {
                "a string or an object with one member"
            };
            quote! {
                match __v {
                    #w::Value::String(__s) => match __s.as_str() {
                        #(#unit_arms)*
                        #unknown,
                    },
                    #w::Value::Object(__m) if __m.len() == 1 => {
                        let (__k, __c) = &__m[0];
                        match __k.as_str() {
                            #(#data_arms)*
                            #unknown,
                        }
                    }
                    __other => ::core::result::Result::Err(#w::Error::expected(#expected, __other)),
                }
            }
        }
    })
}

fn encode(input: &DeriveInput) -> syn::Result<TokenStream> {
    let w = wire();
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let a = attrs(&input.attrs)?;
    let body = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                let fields = named_fields(named, a.rename_all.as_deref())?;
                let n = fields.len();
                let pushes = encode_fields(&fields, |id| quote!(&self.#id));
                quote! {
                    let mut __o = ::std::vec::Vec::with_capacity(#n);
                    #(#pushes)*
                    #w::Value::Object(__o)
                }
            }
            Fields::Unnamed(f) if f.unnamed.len() == 1 => quote!(#w::Encode::encode(&self.0)),
            Fields::Unnamed(_) => return Err(unsupported("tuple structs")),
            Fields::Unit => quote!(#w::Value::Null),
        },
        Data::Enum(e) => encode_enum(name, &a, e.variants.iter().collect())?,
        Data::Union(_) => return Err(unsupported("unions")),
    };
    Ok(quote! {
        impl #ig #w::Encode for #name #tg #wc {
            fn encode(&self) -> #w::Value {
                #body
            }
        }
    })
}

fn encode_enum(name: &Ident, a: &Attrs, list: Vec<&Variant>) -> syn::Result<TokenStream> {
    let w = wire();
    let vs = variants(a, list)?;
    if unit_only(a, &vs) {
        let keys = vs.iter().map(|v| v.key.as_str());
        let arms = vs.iter().enumerate().map(|(i, v)| {
            let id = &v.v.ident;
            quote!(#name::#id => #i,)
        });
        return Ok(quote! {
            const NAMES: &[&str] = &[#(#keys),*];
            #w::string(NAMES[match self { #(#arms)* }])
        });
    }
    let s = |k: &str| quote!(::std::string::String::from(#k));
    let arms = vs
        .iter()
        .map(|v| {
            let id = &v.v.ident;
            let key = &v.key;
            let ks = s(key);
            // (pattern, statements pushing the content's members onto `__o`
            // or an expression for the whole content)
            let (pat, content): (TokenStream, Option<TokenStream>) = match &v.v.fields {
                Fields::Unit => (quote!(#name::#id), None),
                Fields::Unnamed(f) if f.unnamed.len() == 1 => (
                    quote!(#name::#id(__x)),
                    Some(quote!(#w::Encode::encode(__x))),
                ),
                Fields::Unnamed(_) => {
                    return Err(syn::Error::new_spanned(
                        id,
                        "tuple variants are not supported",
                    ))
                }
                Fields::Named(named) => {
                    let fields = v.fields(named, a)?;
                    let ids = fields.iter().map(|f| &f.ident);
                    let pushes = encode_fields(&fields, |id| quote!(#id));
                    let n = fields.len();
                    (
                        quote!(#name::#id { #(#ids,)* }),
                        Some(quote! {{
                            let mut __o = ::std::vec::Vec::with_capacity(#n);
                            #(#pushes)*
                            #w::Value::Object(__o)
                        }}),
                    )
                }
            };
            let body = match (&a.tag, &a.content, content) {
                (None, _, None) => quote!(#w::string(#key)),
                (None, _, Some(c)) => quote!(#w::Value::Object(::std::vec![(#ks, #c)])),
                (Some(tag), _, None) => {
                    quote!(#w::tagged(#tag, #key, #w::Value::Object(::std::vec::Vec::new())))
                }
                (Some(tag), Some(cn), Some(c)) => {
                    let ts = s(tag);
                    let cs = s(cn);
                    quote!(#w::Value::Object(::std::vec![(#ts, #w::Value::String(#ks)), (#cs, #c)]))
                }
                (Some(tag), None, Some(c)) => {
                    // Internally tagged: the tag goes first into the content's
                    // own object (serde refuses non-object content at run time;
                    // here it is wrapped as it stands, which cannot happen for
                    // the struct-like content this is used with).
                    quote!(#w::tagged(#tag, #key, #c))
                }
            };
            Ok(quote!(#pat => #body,))
        })
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        #[allow(unused_variables)]
        match self {
            #(#arms)*
        }
    })
}
