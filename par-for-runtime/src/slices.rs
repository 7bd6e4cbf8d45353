//! The receivers of `.chunks(n)`, `.chunks_mut(n)`, `.chunks_exact(n)`,
//! `.chunks_exact_mut(n)` and `.windows(n)`: contiguous slices, split natively.

use rayon::slice::{ParallelSlice, ParallelSliceMut};

use crate::source::Native;

/// A collection that is a contiguous slice: the receivers of `.chunks(n)`.
pub trait AsSlice {
    /// The element type.
    type Elem;
    /// The whole collection as a slice.
    fn as_slice(&self) -> &[Self::Elem];
}

/// A collection that is a contiguous mutable slice: the receivers of `.chunks_mut(n)`.
pub trait AsMutSlice: AsSlice {
    /// The whole collection as a mutable slice.
    fn as_mut_slice(&mut self) -> &mut [Self::Elem];
}

impl<T> AsSlice for [T] {
    type Elem = T;
    fn as_slice(&self) -> &[T] {
        self
    }
}
impl<T> AsMutSlice for [T] {
    fn as_mut_slice(&mut self) -> &mut [T] {
        self
    }
}
impl<T> AsSlice for Vec<T> {
    type Elem = T;
    fn as_slice(&self) -> &[T] {
        self
    }
}
impl<T> AsMutSlice for Vec<T> {
    fn as_mut_slice(&mut self) -> &mut [T] {
        self
    }
}
impl<T, const N: usize> AsSlice for [T; N] {
    type Elem = T;
    fn as_slice(&self) -> &[T] {
        self
    }
}
impl<T, const N: usize> AsMutSlice for [T; N] {
    fn as_mut_slice(&mut self) -> &mut [T] {
        self
    }
}
impl<S: AsSlice + ?Sized> AsSlice for &S {
    type Elem = S::Elem;
    fn as_slice(&self) -> &[S::Elem] {
        (**self).as_slice()
    }
}
impl<S: AsSlice + ?Sized> AsSlice for &mut S {
    type Elem = S::Elem;
    fn as_slice(&self) -> &[S::Elem] {
        (**self).as_slice()
    }
}
impl<S: AsMutSlice + ?Sized> AsMutSlice for &mut S {
    fn as_mut_slice(&mut self) -> &mut [S::Elem] {
        (**self).as_mut_slice()
    }
}
impl<T> AsSlice for Box<[T]> {
    type Elem = T;
    fn as_slice(&self) -> &[T] {
        self
    }
}

/// `recv.chunks(size)` as a native parallel iterator.
pub fn chunks<S>(slice: &S, size: usize) -> Native<rayon::slice::Chunks<'_, S::Elem>>
where
    S: AsSlice + ?Sized,
    S::Elem: Sync,
{
    Native(slice.as_slice().par_chunks(size))
}

/// `recv.chunks_mut(size)` as a native parallel iterator.
pub fn chunks_mut<S>(slice: &mut S, size: usize) -> Native<rayon::slice::ChunksMut<'_, S::Elem>>
where
    S: AsMutSlice + ?Sized,
    S::Elem: Send,
{
    Native(slice.as_mut_slice().par_chunks_mut(size))
}

/// `recv.chunks_exact(size)` as a native parallel iterator.
pub fn chunks_exact<S>(slice: &S, size: usize) -> Native<rayon::slice::ChunksExact<'_, S::Elem>>
where
    S: AsSlice + ?Sized,
    S::Elem: Sync,
{
    Native(slice.as_slice().par_chunks_exact(size))
}

/// `recv.chunks_exact_mut(size)` as a native parallel iterator.
pub fn chunks_exact_mut<S>(
    slice: &mut S,
    size: usize,
) -> Native<rayon::slice::ChunksExactMut<'_, S::Elem>>
where
    S: AsMutSlice + ?Sized,
    S::Elem: Send,
{
    Native(slice.as_mut_slice().par_chunks_exact_mut(size))
}

/// `recv.windows(size)` as a native parallel iterator.
pub fn windows<S>(slice: &S, size: usize) -> Native<rayon::slice::Windows<'_, S::Elem>>
where
    S: AsSlice + ?Sized,
    S::Elem: Sync,
{
    assert!(size != 0, "window size must be non-zero");
    Native(slice.as_slice().par_windows(size))
}
