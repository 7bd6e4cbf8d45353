//! Choosing, by the type of the `EXPR` of `for PAT in EXPR`, which kind of source
//! (see the parent module) the loop runs over.
//!
//! The type decides, by autoref-based dispatch on a [`Probe`] holding the value:
//! 1. a value rayon can split by index (`IntoParallelIterator` with an indexed
//!    iterator: ranges, `Vec`, `&Vec`, `&mut Vec`, slices, arrays) becomes a [`Native`]
//!    parallel iterator, driven by `crate::indexed`;
//! 2. a range of `u64` or `i64` becomes a [`Native`] iterator split by position (rayon
//!    leaves those unindexed);
//! 3. one rayon can split otherwise (maps, sets) becomes an [`Unindexed`] one;
//! 4. a std iterator whose collection can be recovered ([`Recover`]: `slice::Iter`,
//!    `slice::IterMut`, `vec::IntoIter`) becomes [`Native`];
//! 5. a borrowed iterator (`&mut I`: `it.by_ref()`, `&mut it`) becomes a [`Borrowed`],
//!    read exactly as far as serially by a loop that can leave early;
//! 6. any other `Iterator + Send` becomes a [`Bridge`], fed to the pool on demand;
//! 7. an iterator that is not `Send` (or whose items are not) becomes a [`NotSend`],
//!    which a loop pulls on its calling thread (`looping`) if its items are `Send`;
//!    if not, the compiler says so where the loop runs.
//!
//! The macro builds a `Probe` from the receiver of `.iter()`/`.iter_mut()`/
//! `.into_iter()` (as `&recv`/`&mut recv`/`recv`) together with a closure that calls
//! the original method, so the serial iterator is only built when rayon cannot split
//! the collection itself. Adapters (`enumerate`, `zip`, `map`, ...) then apply to any kind
//! (see `crate::adapt`).

use std::cell::Cell;

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator};

use super::{Borrowed, Bridge, Native, NotSend, Unindexed};

/// A value waiting to be turned into a [`Native`] or a [`Bridge`]; see the module docs.
pub struct Probe<R, F>(Cell<Option<(R, F)>>);

impl<R, F> Probe<R, F> {
    /// `value` is what rayon may split; `serial(value)` is the iterator of the serial
    /// loop, used when it cannot.
    pub fn new<I>(value: R, serial: F) -> Self
    where
        F: FnOnce(R) -> I,
    {
        Probe(Cell::new(Some((value, serial))))
    }

    fn take(&self) -> (R, F) {
        self.0
            .take()
            .expect("par_for: a source probe is used exactly once")
    }
}

/// Dispatch level 2: a range of 64-bit integers, which rayon leaves unindexed. It comes
/// after level 1 so that a range of integer literals still defaults to `i32` there.
#[cfg(target_pointer_width = "64")]
pub trait ViaWideRange {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

#[cfg(target_pointer_width = "64")]
impl<R: crate::wide::IntoWideRange, F> ViaWideRange for &&&&&Probe<R, F>
where
    crate::wide::WideRange<R::Int>: IndexedParallelIterator,
{
    type Source = Native<crate::wide::WideRange<R::Int>>;
    fn __par_for_source(&self) -> Self::Source {
        Native(self.take().0.into_wide())
    }
}

/// Dispatch level 1: rayon can split the value itself, by index.
pub trait ViaIndexedRayon {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F> ViaIndexedRayon for &&&&&&Probe<R, F>
where
    R: IntoParallelIterator,
    R::Iter: IndexedParallelIterator,
{
    type Source = Native<R::Iter>;
    fn __par_for_source(&self) -> Self::Source {
        Native(self.take().0.into_par_iter())
    }
}

/// Dispatch level 3: rayon can split the value itself, without positions.
pub trait ViaRayon {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R: IntoParallelIterator, F> ViaRayon for &&&&Probe<R, F> {
    type Source = Unindexed<R::Iter>;
    fn __par_for_source(&self) -> Self::Source {
        Unindexed(self.take().0.into_par_iter())
    }
}

/// Dispatch level 4: the serial iterator is one whose collection can be recovered.
pub trait ViaRecover {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F, I> ViaRecover for &&&Probe<R, F>
where
    F: FnOnce(R) -> I,
    I: Recover,
{
    type Source = Native<I::Native>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        Native(serial(value).recover())
    }
}

/// Dispatch level 5: a borrowed serial iterator (`it.by_ref()`, `&mut it`, a `&mut I`
/// parameter), which a loop that leaves early must read exactly as far as serially:
/// its owner goes on reading it after the loop.
pub trait ViaBorrowedIter {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the loop.
    fn __par_for_source(&self) -> Self::Source;
}

impl<'a, R, F, I> ViaBorrowedIter for &&Probe<R, F>
where
    F: FnOnce(R) -> &'a mut I,
    I: Iterator + ?Sized + 'a,
{
    type Source = Borrowed<&'a mut I>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        Borrowed(serial(value))
    }
}

/// Dispatch level 6: any other iterator that may be sent to the pool, bridged.
pub trait ViaBridge {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F, I> ViaBridge for &Probe<R, F>
where
    F: FnOnce(R) -> I,
    I: Iterator + Send,
    I::Item: Send,
{
    type Source = Bridge<I>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        Bridge(serial(value))
    }
}

/// Dispatch level 7: what is left, a serial iterator that cannot be sent to the pool
/// (or whose items cannot), as a [`NotSend`]: a loop pulls it on its calling thread;
/// one whose items cannot be sent, or a pipeline, reports it where it runs, with what
/// to write instead, rather than by an unresolved method.
pub trait ViaNotSend {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source the loop cannot run over.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F, I> ViaNotSend for Probe<R, F>
where
    F: FnOnce(R) -> I,
{
    type Source = NotSend<I>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        NotSend(serial(value))
    }
}

/// A std iterator that still knows its whole collection, so rayon can split it.
pub trait Recover {
    /// The parallel iterator over the same items.
    type Native: IndexedParallelIterator;
    /// Gives up the serial iterator for the parallel one.
    fn recover(self) -> Self::Native;
}

impl<'a, T: Sync + 'a> Recover for std::slice::Iter<'a, T> {
    type Native = rayon::slice::Iter<'a, T>;
    fn recover(self) -> Self::Native {
        self.as_slice().into_par_iter()
    }
}

impl<'a, T: Send + 'a> Recover for std::slice::IterMut<'a, T> {
    type Native = rayon::slice::IterMut<'a, T>;
    fn recover(self) -> Self::Native {
        self.into_slice().into_par_iter()
    }
}

impl<T: Send> Recover for std::vec::IntoIter<T> {
    type Native = rayon::vec::IntoIter<T>;
    fn recover(self) -> Self::Native {
        // Collecting a `vec::IntoIter` back into a `Vec` reuses its buffer in place.
        self.collect::<Vec<T>>().into_par_iter()
    }
}

/// Borrowing a loop's receiver the way a method call would (`v.iter()` borrows `v`,
/// autoref and autoderef included), so the macro can hand `&v` or `&mut v` to a
/// [`Probe`] without knowing `v`'s type.
pub trait Receiver {
    /// `&self`, as `recv.iter()` would take it.
    fn __par_for_ref(&self) -> &Self {
        self
    }
    /// `&mut self`, as `recv.iter_mut()` would take it.
    fn __par_for_mut(&mut self) -> &mut Self {
        self
    }
}

impl<T: ?Sized> Receiver for T {}
