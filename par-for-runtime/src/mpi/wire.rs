//! How partial results travel between ranks: plain numbers (and `Vec`s of them) as
//! their raw bytes, anything else through serde with bincode (fixed-width integers).
//!
//! The fast path is chosen by `TypeId`, so it needs no trait of its own, and copies
//! with bytemuck's safe casts, so it needs no `unsafe`: a `Vec<u64>` of partials is
//! copied out as native-endian bytes. Every rank runs the same binary on the same kind
//! of machine, so native order is shared.

use std::any::Any;

/// A value a distributed loop can send to the other ranks: owned, and serde-serializable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot travel between MPI ranks",
    label = "a distributed loop sends each rank's results to every other rank",
    note = "results of a `distribute` loop (and the values of its `return` and `?`) must be owned (not references: add `.copied()` or `.cloned()`) and implement serde's `Serialize` and `Deserialize`"
)]
pub trait Wire: serde::Serialize + serde::de::DeserializeOwned + Any + Send {}

impl<T: serde::Serialize + serde::de::DeserializeOwned + Any + Send> Wire for T {}

/// Appends the encoding of `parts` to `out`.
pub(crate) fn encode<P: Wire>(parts: &Vec<P>, out: &mut Vec<u8>) {
    if !raw::encode(parts as &dyn Any, out) {
        bincode::serialize_into(out, parts)
            .unwrap_or_else(|e| panic!("par_for: cannot encode a distributed loop's results: {e}"));
    }
}

/// The parts [`encode`] wrote into `bytes`.
pub(crate) fn decode<P: Wire>(bytes: &[u8]) -> Vec<P> {
    if let Some(parts) = raw::decode::<P>(bytes) {
        return parts;
    }
    bincode::deserialize(bytes).unwrap_or_else(|e| {
        panic!("par_for: cannot decode the results another rank sent (is every rank the same binary?): {e}")
    })
}

mod raw {
    use std::any::{Any, TypeId};

    macro_rules! numbers {
        ($($t:ty)*) => {
            /// Encodes `Vec<N>` or `Vec<Vec<N>>` for a primitive number `N`; false otherwise.
            pub(super) fn encode(parts: &dyn Any, out: &mut Vec<u8>) -> bool {
                $(
                    if let Some(parts) = parts.downcast_ref::<Vec<$t>>() {
                        out.extend_from_slice(bytemuck::cast_slice::<$t, u8>(parts));
                        return true;
                    }
                    if let Some(parts) = parts.downcast_ref::<Vec<Vec<$t>>>() {
                        for part in parts {
                            out.extend_from_slice(&(part.len() as u64).to_ne_bytes());
                            out.extend_from_slice(bytemuck::cast_slice::<$t, u8>(part));
                        }
                        return true;
                    }
                )*
                false
            }

            /// Decodes what [`encode`] wrote, when `P` is one of its types.
            pub(super) fn decode<P: Any>(bytes: &[u8]) -> Option<Vec<P>> {
                let wanted = TypeId::of::<P>();
                $(
                    if wanted == TypeId::of::<$t>() {
                        let parts: Box<dyn Any> = Box::new(bytemuck::pod_collect_to_vec::<u8, $t>(bytes));
                        return parts.downcast::<Vec<P>>().ok().map(|parts| *parts);
                    }
                    if wanted == TypeId::of::<Vec<$t>>() {
                        let mut parts = Vec::new();
                        let mut rest = bytes;
                        while !rest.is_empty() {
                            let (len, tail) = rest.split_at(8);
                            let len = u64::from_ne_bytes(len.try_into().ok()?) as usize;
                            let (part, tail) = tail.split_at(len * std::mem::size_of::<$t>());
                            parts.push(bytemuck::pod_collect_to_vec::<u8, $t>(part));
                            rest = tail;
                        }
                        let parts: Box<dyn Any> = Box::new(parts);
                        return parts.downcast::<Vec<P>>().ok().map(|parts| *parts);
                    }
                )*
                None
            }
        };
    }
    numbers!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<P: Wire + PartialEq + std::fmt::Debug + Clone>(parts: Vec<P>) -> usize {
        let mut bytes = Vec::new();
        encode(&parts, &mut bytes);
        assert_eq!(decode::<P>(&bytes), parts);
        bytes.len()
    }

    #[test]
    fn numbers_travel_as_raw_bytes() {
        assert_eq!(round_trip(vec![1u64, 2, u64::MAX]), 24);
        assert_eq!(
            round_trip(vec![vec![1.5f64, -0.0], vec![], vec![f64::MAX]]),
            3 * 8 + 3 * 8
        );
        assert_eq!(round_trip(vec![-3i8]), 1);
        let nan = decode::<f32>(&{
            let mut b = Vec::new();
            encode(&vec![f32::NAN], &mut b);
            b
        });
        assert!(nan[0].is_nan());
    }

    #[test]
    fn other_values_travel_through_serde() {
        round_trip(vec![Some((1u8, "a".to_string())), None]);
        round_trip(vec![vec![Ok::<u32, String>(3), Err("bad".into())]]);
        round_trip::<Vec<u64>>(vec![]);
        round_trip(vec![(7u64, 1.5f64)]);
    }
}
