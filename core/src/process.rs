//! Which process this is, for state that must not cross a `fork()` (DESIGN §3,
//! "Processes"): the connection pool, the single-flight refresh lock.
//!
//! A child made by `fork()` inherits a copy of the parent's memory but none of its
//! threads. Anything tied to the parent's async runtime (pooled sockets registered with
//! the parent's epoll instance, tasks, wakers, locks held by a task that no longer runs)
//! is unusable there, and worse, using or even dropping it reaches the parent: an
//! inherited socket written to interleaves with the parent's requests, and dropping a
//! registered socket removes it from the epoll instance the two processes share.
//!
//! So [`generation`] counts the forks between the first process and this one (a
//! `pthread_atfork` child handler bumps it; reading it is one atomic load), and a
//! [`ProcessLocal`] value is rebuilt on first use in a new generation while the inherited
//! one is leaked: never used, never dropped.

use std::marker::PhantomData;
use std::sync::Once;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static HOOK: Once = Once::new();

#[cfg(unix)]
extern "C" fn after_fork_in_child() {
    // Async-signal-safe: one atomic increment.
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

fn install_hook() {
    HOOK.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registers a handler that only increments an atomic; it is never
        // unregistered (the static lives as long as the process).
        unsafe {
            libc::pthread_atfork(None, None, Some(after_fork_in_child));
        }
    });
}

/// The number of `fork()`s between the process that first used this library and this
/// one: 0 in that process, 1 in its child, and so on. Bindings use it to keep their own
/// per-process state (e.g. an async runtime) the same way [`crate::Client`] does.
pub fn generation() -> u64 {
    install_hook();
    GENERATION.load(Ordering::SeqCst)
}

struct Slot<T> {
    generation: u64,
    value: T,
}

/// A value that belongs to one process: read with [`ProcessLocal::get_or_try`], which
/// clones it, or builds a new one when the process is a fork of the one that made it
/// (leaking the inherited one, which must neither be used nor dropped in the child).
pub(crate) struct ProcessLocal<T> {
    current: AtomicPtr<Slot<T>>,
    _owns: PhantomData<*mut Slot<T>>,
}

// SAFETY: the value is cloned out through `&self` from any thread (needs `Sync`), and a
// replacement made on one thread is dropped on another (needs `Send`).
unsafe impl<T: Send + Sync> Sync for ProcessLocal<T> {}
// SAFETY: moving the holder moves the value it owns.
unsafe impl<T: Send> Send for ProcessLocal<T> {}

impl<T: Clone> ProcessLocal<T> {
    /// Holds `value`, made in this process.
    pub(crate) fn new(value: T) -> ProcessLocal<T> {
        let slot = Box::new(Slot {
            generation: generation(),
            value,
        });
        ProcessLocal {
            current: AtomicPtr::new(Box::into_raw(slot)),
            _owns: PhantomData,
        }
    }

    /// A clone of the value of this process; after a fork, `make` builds the child's
    /// (once, unless two threads race: then one of the two new values is dropped).
    pub(crate) fn get_or_try<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let now = generation();
        let ptr = self.current.load(Ordering::Acquire);
        // SAFETY: `current` always points to a live slot: a replaced slot is leaked, never
        // freed, so a pointer loaded before a replacement stays valid.
        let slot = unsafe { &*ptr };
        if slot.generation == now {
            return Ok(slot.value.clone());
        }
        let fresh = Box::into_raw(Box::new(Slot {
            generation: now,
            value: make()?,
        }));
        match self
            .current
            .compare_exchange(ptr, fresh, Ordering::AcqRel, Ordering::Acquire)
        {
            // The inherited slot (`ptr`) is leaked on purpose.
            // SAFETY: `fresh` is now owned by `current`.
            Ok(_) => Ok(unsafe { &*fresh }.value.clone()),
            Err(winner) => {
                // Another thread installed this process's value first: use it, drop ours.
                // SAFETY: `fresh` was never shared; `winner` is live (see above).
                drop(unsafe { Box::from_raw(fresh) });
                Ok(unsafe { &*winner }.value.clone())
            }
        }
    }
}

impl<T> Drop for ProcessLocal<T> {
    fn drop(&mut self) {
        let ptr = *self.current.get_mut();
        // SAFETY: `current` owns a live slot (see `get_or_try`).
        let generation = unsafe { &*ptr }.generation;
        if generation == GENERATION.load(Ordering::SeqCst) {
            // SAFETY: made by `Box::into_raw` in this process and owned by `self`.
            drop(unsafe { Box::from_raw(ptr) });
        }
        // Else the value was inherited through a fork: leak it (see the module docs).
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_of_this_process_is_kept_and_cloned() {
        let local = ProcessLocal::new(std::sync::Arc::new(7));
        let a = local.get_or_try(|| Err::<_, ()>(())).unwrap();
        let b = local.get_or_try(|| Err::<_, ()>(())).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert_eq!(generation(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_forked_child_sees_a_new_generation_and_builds_its_own_value() {
        let local = ProcessLocal::new(std::sync::Arc::new(1));
        let parent = local.get_or_try(|| Err::<_, ()>(())).unwrap();
        // SAFETY: the child only calls async-signal-safe-enough code of this module
        // (atomics, malloc as glibc allows after fork) and leaves with `_exit`.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let child = local.get_or_try(|| Ok::<_, ()>(std::sync::Arc::new(2)));
            let ok = generation() == 1 && matches!(child, Ok(v) if *v == 2);
            drop(local);
            // SAFETY: ends the child at once, running no destructor of the parent's.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waits for the child made above.
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        assert_eq!(*local.get_or_try(|| Err::<_, ()>(())).unwrap(), *parent);
    }
}
