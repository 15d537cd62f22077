//! Build script: on Linux, the linker compresses the binary's debug sections
//! (zlib). Release builds keep line tables for netreach's own code only
//! (Cargo.toml), so a panic's backtrace still names `file:line` (the standard
//! library's backtrace reads compressed sections), while the binary on a
//! user's PATH stays small. Only the `netreach` binary's link changes: no flag
//! reaches the dependencies, so they are not rebuilt.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,--compress-debug-sections=zlib");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
