//! Compiles `c/omp_small.c`, the OpenMP C version of the small-loop workload, when a C
//! compiler with OpenMP (gcc and libgomp) is found; sets `cfg(par_for_bench_omp)` then.
//! Without one the benchmarks still build, and print "n/a" for OpenMP.

use std::path::Path;
use std::process::Command;

const SOURCE: &str = "c/omp_small.c";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(par_for_bench_omp)");
    println!("cargo:rerun-if-changed={SOURCE}");
    // The probe asks `cc` for no metadata: say which variables choose the compiler.
    for var in ["CC", "CFLAGS", "TARGET_CC", "TARGET_CFLAGS"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    if !openmp_links() {
        println!("cargo:warning=no C compiler with OpenMP found: the OpenMP column reads n/a");
        return;
    }
    let built = cc::Build::new()
        .file(SOURCE)
        .flag("-fopenmp")
        .opt_level(2)
        .cargo_warnings(false)
        .try_compile("par_for_bench_omp");
    if built.is_ok() {
        println!("cargo:rustc-link-lib=gomp");
        println!("cargo:rustc-cfg=par_for_bench_omp");
    }
}

/// Whether the C compiler builds and links a program with `-fopenmp`: the header and
/// the runtime library are both there.
fn openmp_links() -> bool {
    let Ok(compiler) = cc::Build::new().cargo_metadata(false).try_get_compiler() else {
        return false;
    };
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let probe = Path::new(&out).join("omp_probe.c");
    let program =
        "#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n";
    if std::fs::write(&probe, program).is_err() {
        return false;
    }
    Command::new(compiler.path())
        .arg("-fopenmp")
        .arg(&probe)
        .arg("-o")
        .arg(Path::new(&out).join("omp_probe"))
        .output()
        .is_ok_and(|output| output.status.success())
}
