//! The cluster's connections, before timely takes them over: one TCP connection
//! between every two processes (the lower index accepts, the higher connects),
//! made with a deadline, each side first saying `netreach`, its index and its job
//! digest, so processes that would compute different things refuse each other.
//! Also the hook that turns timely's panic on a lost connection into exit 1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::Cluster;
use crate::error::Result;

const MAGIC: &[u8; 8] = b"netreach";

/// Opens one TCP connection to every other process (to lower indices by
/// connecting, from higher ones by accepting), with a deadline, and checks that
/// every peer runs the same job.
pub(super) fn connect(c: &Cluster, digest: u64) -> Result<Vec<Option<TcpStream>>> {
    let deadline = Instant::now() + c.timeout;
    let me = c.process;
    let listener = TcpListener::bind(&c.hosts[me])
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| c.fail(format!("cannot listen on {} ({e})", c.hosts[me])))?;
    let mut sockets: Vec<Option<TcpStream>> = (0..c.hosts.len()).map(|_| None).collect();
    // Lower indices listen for us.
    for (j, slot) in sockets.iter_mut().enumerate().take(me) {
        *slot = Some(connect_to(c, j, digest, deadline)?);
    }
    // Higher indices connect to us.
    while sockets.iter().skip(me + 1).any(Option::is_none) {
        match listener.accept() {
            Ok((stream, addr)) => {
                if let Some((index, stream)) = accept_from(c, stream, addr, digest, &sockets)? {
                    sockets[index] = Some(stream);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    let missing: Vec<String> = sockets
                        .iter()
                        .enumerate()
                        .skip(me + 1)
                        .filter(|(_, s)| s.is_none())
                        .map(|(j, _)| format!("process {j} at {}", c.hosts[j]))
                        .collect();
                    return Err(c.fail(format!(
                        "{} did not connect within {} s; is it running, with the same hostfile?",
                        missing.join(", "),
                        c.timeout.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                return Err(c.fail(format!(
                    "cannot accept connections on {} ({e})",
                    c.hosts[me]
                )));
            }
        }
    }
    Ok(sockets)
}

/// What a connecting process says first: magic, its index, its job digest.
fn hello(index: usize, digest: u64) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[..8].copy_from_slice(MAGIC);
    b[8..16].copy_from_slice(&(index as u64).to_le_bytes());
    b[16..].copy_from_slice(&digest.to_le_bytes());
    b
}

/// Connects to process `j`, retrying until `deadline`, and checks its answer.
fn connect_to(c: &Cluster, j: usize, digest: u64, deadline: Instant) -> Result<TcpStream> {
    let host = &c.hosts[j];
    let mut stream = loop {
        let tried = host
            .to_socket_addrs()
            .map_err(|e| c.fail(format!("cannot resolve process {j}'s host {host} ({e})")))?
            .find_map(|addr| TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok());
        if let Some(s) = tried {
            break s;
        }
        if Instant::now() >= deadline {
            return Err(c.fail(format!(
                "could not reach process {j} at {host} within {} s; is it running, with the same hostfile?",
                c.timeout.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let io =
        |e: std::io::Error| c.fail(format!("lost process {j} at {host} while connecting ({e})"));
    let wait = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(100));
    stream.set_nodelay(true).map_err(io)?;
    stream.write_all(&hello(c.process, digest)).map_err(io)?;
    stream.set_read_timeout(Some(wait)).map_err(io)?;
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).map_err(io)?;
    if answer[0] != 1 {
        return Err(c.fail(format!(
            "process {j} at {host} runs a different job (graph, roles, sources, invitations, strategies or settings differ); start every process with the same arguments and input files"
        )));
    }
    stream.set_read_timeout(None).map_err(io)?;
    Ok(stream)
}

/// Checks a connection from a higher process; `None` when it is not from netreach.
fn accept_from(
    c: &Cluster,
    mut stream: TcpStream,
    addr: std::net::SocketAddr,
    digest: u64,
    sockets: &[Option<TcpStream>],
) -> Result<Option<(usize, TcpStream)>> {
    let io = |e: std::io::Error| c.fail(format!("bad connection from {addr} ({e})"));
    stream.set_nonblocking(false).map_err(io)?;
    stream.set_nodelay(true).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(io)?;
    let mut b = [0u8; 24];
    if stream.read_exact(&mut b).is_err() || &b[..8] != MAGIC {
        // Not one of ours (a port scanner, say): ignore it.
        return Ok(None);
    }
    let index = usize::try_from(u64::from_le_bytes(b[8..16].try_into().expect("8 bytes")))
        .unwrap_or(usize::MAX);
    if index <= c.process || index >= c.hosts.len() || sockets[index].is_some() {
        return Err(c.fail(format!(
            "a process at {addr} claims index {index}; every process needs its own --process from 0 to {}",
            c.hosts.len() - 1
        )));
    }
    let same = u64::from_le_bytes(b[16..].try_into().expect("8 bytes")) == digest;
    stream.write_all(&[u8::from(same)]).map_err(io)?;
    if !same {
        return Err(c.fail(format!(
            "process {index} at {} runs a different job (graph, roles, sources, invitations, strategies or settings differ); start every process with the same arguments and input files",
            c.hosts[index]
        )));
    }
    stream.set_read_timeout(None).map_err(io)?;
    Ok(Some((index, stream)))
}

/// Turns timely's panic on a broken connection into a clean exit 1, so a crashed
/// peer makes this process stop instead of waiting for it forever.
pub(super) fn exit_when_a_peer_is_lost(process: usize, hosts: Vec<String>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("timely communication error") {
            crate::output::remove_pending_files();
            // timely names its network threads `timely:send-J` and `timely:recv-J`.
            let peer = std::thread::current()
                .name()
                .and_then(|n| n.rsplit_once('-'))
                .and_then(|(_, j)| j.parse::<usize>().ok())
                .and_then(|j| hosts.get(j).map(|h| format!("process {j} at {h}")))
                .unwrap_or_else(|| "another process of the cluster".into());
            eprintln!(
                "error: process {process}: lost the connection to {peer} ({msg}); stopping, no output written"
            );
            std::process::exit(1);
        }
        previous(info);
    }));
}
