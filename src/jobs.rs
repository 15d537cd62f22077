//! Jobs: each subcommand of `netreach` as library functions, so a program can
//! run what the command line runs (an experiment end to end, reach for chosen
//! people, a generated network, an import) without the command line. The top
//! floor of the library: jobs call every stage below them and print nothing;
//! `src/cli/` maps flags to jobs and prints what they return.
//!
//! | module | subcommands |
//! |---|---|
//! | [`experiment`] | `run`, `simulate`, `chart` |
//! | [`reach`] | `reach` (here, or on a cluster) |
//! | [`generate`] | `generate` |
//! | [`import`] | `import linkedin`, `import graph` |
//! | [`advice`] | `advise` |
//!
//! Long jobs report through a [`Progress`](crate::progress::Progress) handle and
//! return what they did (counts, files, timings) for the caller to show.

pub mod experiment;
pub mod reach;
pub mod generate;
pub mod import;
pub mod advice;
