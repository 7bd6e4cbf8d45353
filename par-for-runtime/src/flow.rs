//! Serial control flow (`break`, `return`, `?`) carried out of parallel iterations.

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::panic;

use crate::fuse::Payload;
use crate::task::TypeOf;

/// How one iteration of a parallel loop ended.
pub enum Flow<'a, R> {
    /// It ran to the end of the body, or hit `continue`.
    Continue,
    /// It hit `break`.
    Break,
    /// It hit `return` or a failing `?`: the enclosing function's value, computed on the
    /// calling thread once the loop is over (so it need not be `Send`).
    Return(Deferred<'a, R>),
}

/// How a whole parallel loop ended: like the serial loop would have.
#[must_use = "a loop that returned must make its function return"]
pub enum Exit<'a, R> {
    /// Every iteration ran (or `continue`d).
    Completed,
    /// The earliest iteration in order that left the loop did so by `break`.
    Broke,
    /// The earliest iteration in order that left the loop did so by `return`/`?`.
    Returned(Deferred<'a, R>),
}

/// How an iteration left the loop: by its body's exit, or by a panic (its payload).
pub(crate) type Left<'a, R> = Result<Flow<'a, R>, Payload>;

impl<'a, R> Exit<'a, R> {
    pub(crate) fn from_first(first: Option<Flow<'a, R>>) -> Self {
        match first {
            None | Some(Flow::Continue) => Exit::Completed,
            Some(Flow::Break) => Exit::Broke,
            Some(Flow::Return(value)) => Exit::Returned(value),
        }
    }

    /// The exit of the earliest iteration in order that left the loop; if that one
    /// panicked, its panic is raised here, with its payload.
    pub(crate) fn from_first_left(first: Option<Left<'a, R>>) -> Self {
        match first {
            Some(Err(payload)) => panic::resume_unwind(payload),
            Some(Ok(flow)) => Exit::from_first(Some(flow)),
            None => Exit::Completed,
        }
    }
}

impl<R> Flow<'_, R> {
    pub(crate) fn leaves_loop(self) -> Option<Self> {
        match self {
            Flow::Continue => None,
            left => Some(left),
        }
    }
}

/// The value of a `return` (or the conversion of a failing `?`'s error) inside a
/// parallel iteration, computed on the calling thread after the loop: only the serial
/// winner's is ever computed, once, after every iteration before it has completed, as
/// the serial loop computes it. It may borrow anything that outlives the loop (`'a`),
/// so a function may return what its arguments lend.
pub struct Deferred<'a, R>(Box<dyn FnOnce() -> R + Send + 'a>);

impl<'a, R> Deferred<'a, R> {
    /// Wraps the expression of a `return`.
    pub fn new(value: impl FnOnce() -> R + Send + 'a) -> Self {
        Deferred(Box::new(value))
    }

    /// Computes the value.
    pub fn run(self) -> R {
        (self.0)()
    }
}

/// The value of a `return` that moves variables declared before the loop
/// (`return (header, Some(i))`): the iterations only borrow those, so the value is
/// built on the calling thread after the loop, from the variables themselves, handed
/// over by value then (`run(moved)`), as the serial loop moves them when it returns.
pub struct Moving<'a, M, R>(Box<dyn FnOnce(M) -> R + Send + 'a>);

impl<'a, M, R> Moving<'a, M, R> {
    /// Wraps the value of a `return`, a function of the moved variables; `types` (one
    /// [`type_of`](crate::task::type_of) each) gives the function's argument its type.
    pub fn new<W: Witness<Values = M>>(_types: W, value: impl FnOnce(M) -> R + Send + 'a) -> Self {
        Moving(Box::new(value))
    }

    /// Computes the value from the moved variables.
    pub fn run(self, moved: M) -> R {
        (self.0)(moved)
    }
}

impl<'a, M, R, Res> FromResidual<Res> for Moving<'a, M, R>
where
    R: FromResidual<Res>,
    Res: Send + 'a,
{
    fn from_residual(residual: Res) -> Self {
        Moving(Box::new(move |_| R::from_residual(residual)))
    }
}

/// The value of a `return` in the body of a stream (`#[par_for(stream)]`) that moves
/// variables declared before the loop (`return out;`): the body runs on the calling
/// thread, but in a closure the stream calls again and again, which cannot give them
/// away. So the value is built once the stream has stopped, from the variables
/// themselves, handed over by value then (`run(taken)`), as the serial loop moves them
/// when it returns. Unlike [`Moving`] it never leaves the calling thread, so it need not
/// be `Send`.
pub struct AfterStream<'a, M, R>(Box<dyn FnOnce(M) -> R + 'a>);

impl<'a, M, R> AfterStream<'a, M, R> {
    /// Wraps the value of a `return`, a function of the variables it takes; `types` (one
    /// [`type_of`](crate::task::type_of) each) gives the function's argument its type.
    pub fn new<W: Witness<Values = M>>(_types: W, value: impl FnOnce(M) -> R + 'a) -> Self {
        AfterStream(Box::new(value))
    }

    /// Computes the value from the variables it takes.
    pub fn run(self, taken: M) -> R {
        (self.0)(taken)
    }
}

impl<'a, M, R, Res> FromResidual<Res> for AfterStream<'a, M, R>
where
    R: FromResidual<Res>,
    Res: 'a,
{
    fn from_residual(residual: Res) -> Self {
        AfterStream(Box::new(move |_| R::from_residual(residual)))
    }
}

/// A tuple of types ([`TypeOf`]s), as the tuple of their values.
pub trait Witness {
    /// The values' tuple.
    type Values;
}

macro_rules! witnesses {
    ($(($($t:ident)+))*) => {$(
        impl<$($t),+> Witness for ($(TypeOf<$t>,)+) {
            type Values = ($($t,)+);
        }
    )*};
}
witnesses!((A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H));

/// The `?` operator, split as `Try` does on nightly: continue with the output, or
/// leave with the residual.
pub trait Branch {
    /// What `expr?` evaluates to.
    type Output;
    /// What `expr?` returns from the function with (converted by [`FromResidual`]).
    type Residual;
    /// Splits the value.
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

impl<T, E> Branch for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(value) => ControlFlow::Continue(value),
            Err(error) => ControlFlow::Break(Err(error)),
        }
    }
}

impl<T> Branch for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(value) => ControlFlow::Continue(value),
            None => ControlFlow::Break(None),
        }
    }
}

impl<B, C> Branch for ControlFlow<B, C> {
    type Output = C;
    type Residual = ControlFlow<B, Infallible>;
    fn branch(self) -> ControlFlow<Self::Residual, C> {
        match self {
            ControlFlow::Continue(value) => ControlFlow::Continue(value),
            ControlFlow::Break(value) => ControlFlow::Break(ControlFlow::Break(value)),
        }
    }
}

/// Builds the enclosing function's return value from a `?` residual, converting the
/// error with `From` exactly as `?` does.
pub trait FromResidual<R> {
    /// Converts.
    fn from_residual(residual: R) -> Self;
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Result<T, F> {
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(error) => Err(F::from(error)),
            Ok(never) => match never {},
        }
    }
}

impl<T> FromResidual<Option<Infallible>> for Option<T> {
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}

impl<B, C> FromResidual<ControlFlow<B, Infallible>> for ControlFlow<B, C> {
    fn from_residual(residual: ControlFlow<B, Infallible>) -> Self {
        match residual {
            ControlFlow::Break(value) => ControlFlow::Break(value),
            ControlFlow::Continue(never) => match never {},
        }
    }
}
