//! What a loop body must be: a task that only reads the variables declared outside it.
//!
//! The generated task closure is passed to the entry points under
//! [`OnlyReadsOuterVariables`], a trait of this crate, rather than under `Fn` itself.
//! A bound on a `Fn` trait would fix the closure's kind before its body is checked, and a
//! body that writes an outer variable (`results.push(x)`) would then fail with the
//! borrow checker's "cannot borrow `results` as mutable, as it is a captured variable in
//! a `Fn` closure". Under this trait the compiler infers the closure's kind from its
//! body and reports "this closure implements `FnMut`, not `Fn`", naming the variable the
//! body changes ("closure is `FnMut` because it mutates the variable `results` here"),
//! and its notes show the impl below, whose bound says what to write instead.
//!
//! Without a `Fn` bound the compiler cannot deduce the type of the closure's argument
//! either; [`TypeOf`] gives it: the generated closure binds the loop's pattern with
//! `let PAT = item_type.pass(arg);`.

use std::marker::PhantomData;

/// A loop body: called once per item, from several threads at once.
#[diagnostic::on_unimplemented(
    message = "the body of this #[par_for] loop changes or moves a variable declared outside it",
    label = "every iteration runs at once with the others, so this body may only read outer variables",
    note = "return values and collect them (`#[par_for] let v: Vec<_> = items.map(..).collect();`), declare a reduction (`#[par_for(reduce(total: +))]`), or write through a `Mutex` or an atomic"
)]
pub trait OnlyReadsOuterVariables<In, Out = ()> {
    /// Runs the body on one item.
    fn call(&self, input: In) -> Out;
}

impl<In, Out, F> OnlyReadsOuterVariables<In, Out> for F
where
    F: Fn(In) -> Out, // a #[par_for] body may only read outer variables: collect values, `reduce(..)`, or a `Mutex`/atomic
{
    #[inline(always)]
    fn call(&self, input: In) -> Out {
        self(input)
    }
}

/// A loop body with reduction variables: `call(&mut accumulators, item)` updates this
/// task's private copies in place.
pub trait OnlyReadsOuterVariablesAndReduces<Acc, In, Out> {
    /// Runs the body on one item.
    fn call(&self, acc: &mut Acc, input: In) -> Out;
}

impl<Acc, In, Out, F> OnlyReadsOuterVariablesAndReduces<Acc, In, Out> for F
where
    F: Fn(&mut Acc, In) -> Out, // a #[par_for] body may only read outer variables: collect values, `reduce(..)`, or a `Mutex`/atomic
{
    #[inline(always)]
    fn call(&self, acc: &mut Acc, input: In) -> Out {
        self(acc, input)
    }
}

/// The type `T`, as a value the generated closure can use to give its argument a type.
pub struct TypeOf<T>(PhantomData<fn(T) -> T>);

impl<T> Clone for TypeOf<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for TypeOf<T> {}

impl<T> TypeOf<T> {
    /// The type `T`.
    pub(crate) const fn new() -> Self {
        TypeOf(PhantomData)
    }

    /// `value`, now known to be a `T`.
    #[inline(always)]
    pub fn pass(self, value: T) -> T {
        value
    }

    /// `value`, now known to be a `&mut T`: a reduction variable's private copy.
    #[inline(always)]
    pub fn pass_mut(self, value: &mut T) -> &mut T {
        value
    }
}

/// The type of the items `source` gives a loop body.
pub fn item_type<S: crate::source::Items>(_source: &S) -> TypeOf<S::Item> {
    TypeOf::new()
}

/// The type of the items a streaming loop's `source` gives its task.
pub fn stream_item_type<I: IntoIterator>(_source: &I) -> TypeOf<I::Item> {
    TypeOf::new()
}

/// The type the enclosing function returns, once the generated code ties it there
/// (`if false { return returns.never_given(); }`), for the values of a loop's `return`s
/// to coerce to, as a serial `return`'s value does.
pub fn return_type<T>() -> TypeOf<T> {
    TypeOf::new()
}

impl<T> TypeOf<T> {
    /// A value of the type, for code that never runs (`if false { return .. }`), which
    /// only ties the type to the function's.
    pub fn never_given(self) -> T {
        unreachable!("par_for: the return type's witness is never asked for a value")
    }
}

/// The type of `value`: a reduction variable's, for its private copies.
pub fn type_of<T>(_value: &T) -> TypeOf<T> {
    TypeOf::new()
}
