//! What the integration tests share.

/// Whether this run has `PAR_FOR_THREADS=1`, the switch that runs every annotated loop
/// serially on the calling thread, even on a pool of its own (the CI runs the
/// integration tests under it). A test of how a loop spreads over a pool then checks
/// that it did not.
pub(crate) fn serial_switch() -> bool {
    std::env::var("PAR_FOR_THREADS").is_ok_and(|value| value.trim() == "1")
}
