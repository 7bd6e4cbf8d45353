//! How the value of a deferred `return` holds a variable declared outside the loop:
//! a copy when its type is `Copy` (it may be a local of an enclosing iteration, gone
//! by the time the value is computed), else a reference (it outlives the loop).
//!
//! Autoref-based dispatch on a [`Capture`] picks the copy where the type allows it;
//! either way the generated code reads the variable as `*alias`.

use std::ops::Deref;

/// A variable, borrowed, waiting to be copied or kept as a reference.
pub struct Capture<'a, T: ?Sized>(pub &'a T);

/// A copy of a variable, read through `Deref` like a reference.
pub struct Copied<T>(T);

impl<T> Deref for Copied<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Dispatch level 1: the variable is `Copy`.
pub trait ViaCopy {
    /// What the value holds.
    type Held;
    /// Takes the copy.
    fn __par_for_capture(&self) -> Self::Held;
}

impl<T: Copy> ViaCopy for &Capture<'_, T> {
    type Held = Copied<T>;
    fn __par_for_capture(&self) -> Copied<T> {
        Copied(*self.0)
    }
}

/// Dispatch level 2: any other variable is borrowed.
pub trait ViaRef<'a, T: ?Sized> {
    /// Keeps the reference.
    fn __par_for_capture(&self) -> &'a T;
}

impl<'a, T: ?Sized> ViaRef<'a, T> for Capture<'a, T> {
    fn __par_for_capture(&self) -> &'a T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The borrows are the dispatch the generated code does.
    #[allow(clippy::needless_borrow)]
    #[test]
    fn copies_what_is_copy_and_borrows_the_rest() {
        let n = 5u32;
        let held = (&&Capture(&n)).__par_for_capture();
        let held: Copied<u32> = held;
        assert_eq!(*held, 5);
        let s = String::from("x");
        let held: &String = (&&Capture(&s)).__par_for_capture();
        assert!(std::ptr::eq(held, &s));
    }
}
