//! What a streaming loop asks of the outer variables that both its source and its body
//! use: a stream pulls its source ahead of its body, so the body must not be able to
//! change what the source reads. Through a shared reference it can only by interior
//! mutability, and the `Sync` types among those (`Mutex`, atomics) are left to the
//! user, as documented: `Cell` and `RefCell`, a single thread's, are caught here. The
//! macro skips the check when `window = 1`.

/// Marks a variable that a streaming loop's source reads while its body may use it.
/// `Name` is a type the macro declares with the variable's name, for the message.
#[diagnostic::on_unimplemented(
    message = "the source of this streaming loop reads `{Name}`, which its body uses, and its type `{Self}` lets the body change it (it is not `Sync`): the source, pulled ahead of the body, would not see the change",
    label = "the body uses `{Name}`, while the source may have pulled items ahead of it",
    note = "a streaming loop pulls up to `window` items of its source before the body has run for the items before them; a source that depends on the body (a work queue the body refills, a flag that stops it) sees each change late or never, unlike the serial loop",
    note = "write `window = 1` to pull each item only once the body has run for the one before (the tasks then run one at a time), or compute what the source reads before the loop"
)]
pub trait UnchangedUnderTheSource<Name> {}
// The error is about this trait, whose message names the variable, not about the
// `Sync` of a field deep inside its type.
#[diagnostic::do_not_recommend]
impl<T: ?Sized + Sync, Name> UnchangedUnderTheSource<Name> for T {}

/// Compiles only if the body cannot change what the source reads of `value`, the
/// variable `Name`.
#[inline(always)]
pub fn assert_unchanged_under_the_source<Name, T: ?Sized + UnchangedUnderTheSource<Name>>(
    _value: &T,
) {
}

/// [`UnchangedUnderTheSource`] for `self`, which cannot name a type.
#[diagnostic::on_unimplemented(
    message = "the source of this streaming loop reads `self`, which its body uses, and its type `{Self}` lets the body change it (it is not `Sync`): the source, pulled ahead of the body, would not see the change",
    label = "the body uses `self`, while the source may have pulled items ahead of it",
    note = "a streaming loop pulls up to `window` items of its source before the body has run for the items before them; a source that depends on the body sees each change late or never, unlike the serial loop",
    note = "write `window = 1` to pull each item only once the body has run for the one before (the tasks then run one at a time), or compute what the source reads before the loop"
)]
pub trait SelfUnchangedUnderTheSource {}
#[diagnostic::do_not_recommend]
impl<T: ?Sized + Sync> SelfUnchangedUnderTheSource for T {}

/// Compiles only if the body cannot change what the source reads of `self`.
#[inline(always)]
pub fn assert_self_unchanged_under_the_source<T: ?Sized + SelfUnchangedUnderTheSource>(_value: &T) {
}
