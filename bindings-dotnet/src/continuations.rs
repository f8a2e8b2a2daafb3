//! Completions of async calls, handed to one managed thread instead of calling into C# from
//! Rust's threads.
//!
//! uniffi tells the foreign side that a future can make progress by calling a continuation
//! callback from whichever thread woke the future (a tokio worker). Mono keeps every native
//! thread that ever ran managed code on its list of threads to wait for at exit, and the
//! runtime's threads never end, so a program's `Main` returning would never end the process.
//! The generated C# therefore passes [`uniffi_dotnet_continuation_callback`] (native code)
//! as the callback: it only queues `(data, poll result)`, and a background thread that C#
//! starts itself takes them with [`uniffi_dotnet_next_continuations`] and completes the
//! awaiting tasks. No Rust thread enters managed code.
//!
//! A poll whose callback comes at once, on the polling thread (the future was ready, or woke
//! itself), skips the queue: C# brackets each poll with [`uniffi_dotnet_poll_begin`] and
//! [`uniffi_dotnet_poll_end`], and the result kept in between completes the call on the
//! caller's thread.
//!
//! The queue holds at most one entry per pending poll (uniffi calls a continuation once per
//! poll), so it is bounded by the number of calls in flight.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// One queued continuation: the foreign side's `data` and uniffi's poll result (0 ready,
/// 1 poll again). The C# runtime reads an array of these (`UniffiContinuation`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Continuation {
    /// The value the foreign side gave to `rust_future_poll`.
    pub data: u64,
    /// uniffi's `RustFuturePoll` (0 ready, 1 wake / poll again).
    pub poll_result: i8,
}

static QUEUE: Mutex<VecDeque<Continuation>> = Mutex::new(VecDeque::new());
static QUEUED: Condvar = Condvar::new();

fn queue() -> MutexGuard<'static, VecDeque<Continuation>> {
    // Nothing that holds the lock can panic; a poisoned lock is still a valid queue.
    QUEUE.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    /// The poll this thread is making (between [`uniffi_dotnet_poll_begin`] and
    /// [`uniffi_dotnet_poll_end`]): its `data`, and its result once the callback gave it.
    static INLINE: Cell<Option<(u64, Option<i8>)>> = const { Cell::new(None) };
}

/// The continuation callback (uniffi's `RustFutureContinuationCallback`). Called during the
/// poll on the polling thread itself (the future was ready at once, or woke itself), it
/// keeps the result for [`uniffi_dotnet_poll_end`]; otherwise it queues it and wakes the
/// managed thread that waits in [`uniffi_dotnet_next_continuations`].
extern "C" fn continue_later(data: u64, poll_result: i8) {
    let inline = INLINE.with(|slot| match slot.get() {
        Some((polled, None)) if polled == data => {
            slot.set(Some((polled, Some(poll_result))));
            true
        }
        _ => false,
    });
    if inline {
        return;
    }
    queue().push_back(Continuation { data, poll_result });
    QUEUED.notify_one();
}

/// Marks the start of a poll with this `data` on the calling thread (see
/// [`uniffi_dotnet_poll_end`]).
#[unsafe(no_mangle)]
pub extern "C" fn uniffi_dotnet_poll_begin(data: u64) {
    INLINE.with(|slot| slot.set(Some((data, None))));
}

/// Ends the poll begun on this thread: the poll result when the callback came during the
/// poll (the caller completes the call at once, without a thread switch), else -1 (the
/// result will come through [`uniffi_dotnet_next_continuations`]).
#[unsafe(no_mangle)]
pub extern "C" fn uniffi_dotnet_poll_end() -> i8 {
    match INLINE.with(Cell::take) {
        Some((_, Some(result))) => result,
        _ => -1,
    }
}

/// The callback to pass to every `rust_future_poll_*`.
#[unsafe(no_mangle)]
pub extern "C" fn uniffi_dotnet_continuation_callback() -> extern "C" fn(u64, i8) {
    continue_later
}

/// Waits up to `timeout_ms` for a continuation to be queued, then moves up to `capacity` of
/// them, in order, to `out`; returns how many (0 when none came in time, or at once when
/// `out` is null or `capacity` 0).
///
/// The wait is bounded because Mono, at exit, aborts its background threads and waits for
/// each to come back to managed code: the managed thread calling this must return now and
/// then for a program to end.
///
/// # Safety
/// `out` must point to `capacity` writable `Continuation`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn uniffi_dotnet_next_continuations(
    out: *mut Continuation,
    capacity: u32,
    timeout_ms: u32,
) -> u32 {
    if out.is_null() || capacity == 0 {
        return 0;
    }
    let (mut queued, _) = QUEUED
        .wait_timeout_while(queue(), Duration::from_millis(timeout_ms.into()), |q| {
            q.is_empty()
        })
        .unwrap_or_else(PoisonError::into_inner);
    let n = queued.len().min(capacity as usize);
    for (i, c) in queued.drain(..n).enumerate() {
        // SAFETY: the caller gives `capacity` writable slots and `i < n <= capacity`.
        unsafe { out.add(i).write(c) };
    }
    n as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_come_out_in_order_and_in_batches() {
        let callback = uniffi_dotnet_continuation_callback();
        let waiter = std::thread::spawn(|| {
            let mut got = Vec::new();
            while got.len() < 5 {
                let mut buf = [Continuation {
                    data: 0,
                    poll_result: -1,
                }; 2];
                // SAFETY: two writable slots.
                let n = unsafe { uniffi_dotnet_next_continuations(buf.as_mut_ptr(), 2, 10_000) };
                assert!(n <= 2, "{n}");
                got.extend_from_slice(&buf[..n as usize]);
            }
            got
        });
        for data in 1..=5u64 {
            callback(data, (data % 2) as i8);
        }
        let got = waiter.join().expect("the waiter");
        let data: Vec<u64> = got.iter().map(|c| c.data).collect();
        assert_eq!(data, vec![1, 2, 3, 4, 5]);
        assert!(got.iter().all(|c| c.poll_result == (c.data % 2) as i8));
        // SAFETY: a null pointer is answered with 0 without waiting.
        assert_eq!(
            unsafe { uniffi_dotnet_next_continuations(std::ptr::null_mut(), 4, 10_000) },
            0
        );
        // A callback during a poll on this thread is kept for poll_end, not queued; one
        // from another thread, or for another poll, is queued.
        uniffi_dotnet_poll_begin(7);
        callback(7, 1);
        assert_eq!(uniffi_dotnet_poll_end(), 1);
        assert_eq!(uniffi_dotnet_poll_end(), -1, "taken once");
        uniffi_dotnet_poll_begin(8);
        std::thread::spawn(move || callback(8, 0))
            .join()
            .expect("another thread");
        callback(9, 0);
        assert_eq!(
            uniffi_dotnet_poll_end(),
            -1,
            "not called on this thread for 8"
        );
        let mut two = [Continuation {
            data: 0,
            poll_result: -1,
        }; 2];
        // SAFETY: two writable slots.
        let n = unsafe { uniffi_dotnet_next_continuations(two.as_mut_ptr(), 2, 10_000) };
        let mut queued: Vec<u64> = two[..n as usize].iter().map(|c| c.data).collect();
        if queued.len() < 2 {
            // SAFETY: one writable slot.
            let m = unsafe { uniffi_dotnet_next_continuations(two.as_mut_ptr(), 1, 10_000) };
            queued.extend(two[..m as usize].iter().map(|c| c.data));
        }
        assert_eq!(queued, vec![8, 9]);

        // Nothing queued: 0 once the timeout has passed.
        let mut one = [Continuation {
            data: 0,
            poll_result: -1,
        }];
        // SAFETY: one writable slot.
        assert_eq!(
            unsafe { uniffi_dotnet_next_continuations(one.as_mut_ptr(), 1, 1) },
            0
        );
    }
}
