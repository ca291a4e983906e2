//! Calls to the server as plain signals.
//!
//! [`Fetched`] reads something (the signed-in person, the tickets) and reads it again when a
//! signal it depends on changes or when asked to; [`Call`] sends something (sign in, submit,
//! approve) when the user acts. Both hold their latest answer in a signal, so a view is a
//! `match` on it. Leptos's `LocalResource` and `Action` do the same with far more machinery
//! (suspense, transitions, server functions) that this app does not use, and that machinery
//! is compiled once per use: these keep the generic part to the one future each call site
//! awaits.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{AbortController, AbortSignal};

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;
/// How a [`Call`] sends its input.
type Sender<I, O> = Rc<dyn Fn(&I) -> Boxed<O>>;

/// Numbers the requests of a [`Fetched`] or a [`Call`], so that only the latest one's answer
/// is kept (an older answer arriving late must not replace a newer one).
#[derive(Clone, Copy)]
struct Latest(StoredValue<u32>);

impl Latest {
    fn new() -> Self {
        Latest(StoredValue::new(0))
    }

    /// A new request: its number.
    fn start(self) -> u32 {
        let this = self.0.get_value().wrapping_add(1);
        self.0.set_value(this);
        this
    }

    /// Is `this` still the latest request? (No, once the page that made it has gone.)
    fn is(self, this: u32) -> bool {
        self.0.try_get_value() == Some(this)
    }
}

/// The abort controller of a [`Fetched`]'s request in flight. A request nobody will read is
/// cancelled: the one a newer request replaces, and the one in flight when the page that made
/// it goes away (the owner's cleanup).
#[derive(Clone, Copy)]
struct InFlight(StoredValue<Option<AbortController>, LocalStorage>);

impl InFlight {
    fn new() -> Self {
        let this = InFlight(StoredValue::new_local(None));
        on_cleanup(move || this.abort());
        this
    }

    fn abort(self) {
        if let Some(Some(controller)) = self.0.try_get_value() {
            controller.abort();
        }
    }

    /// Aborts the request in flight and gives the signal of the next one (none in a browser
    /// without `AbortController`: the request then simply runs to its end).
    fn next(self) -> Option<AbortSignal> {
        self.abort();
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        self.0.try_set_value(controller);
        signal
    }
}

/// A value read from the server: `None` until the first answer; afterwards the latest
/// answer (the previous one stays while a newer one is on its way, and
/// [`Fetched::loading`] says that one is).
pub struct Fetched<T: Send + Sync + 'static> {
    value: RwSignal<Option<T>>,
    loading: RwSignal<bool>,
    again: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Fetched<T> {}

impl<T: Clone + Send + Sync + 'static> Fetched<T> {
    /// Starts `fetch` now, and again whenever a signal read while *calling* `fetch` (not
    /// while awaiting its future) changes. `fetch` gets the abort signal to send its request
    /// with. An answer that arrives after a newer request was started is dropped.
    pub fn new<Fut: Future<Output = T> + 'static>(
        fetch: impl Fn(Option<AbortSignal>) -> Fut + 'static,
    ) -> Self {
        let value = RwSignal::new(None);
        let loading = RwSignal::new(true);
        let again = RwSignal::new(0);
        let latest = Latest::new();
        let in_flight = InFlight::new();
        let start: Rc<dyn Fn()> = Rc::new(move || {
            let future: Boxed<T> = Box::pin(fetch(in_flight.next()));
            let this = latest.start();
            loading.set(true);
            spawn_local(async move {
                let answer = future.await;
                if latest.is(this) {
                    let _ = value.try_set(Some(answer));
                    let _ = loading.try_set(false);
                }
            });
        });
        run_tracked(again, start);
        Self {
            value,
            loading,
            again,
        }
    }

    /// The latest answer, tracked.
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// Reads the latest answer in place, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&Option<T>) -> R) -> R {
        self.value.with(f)
    }

    /// Whether a request is on its way (the first one, or a re-read), tracked.
    pub fn loading(&self) -> bool {
        self.loading.get()
    }

    /// Reads it again (the current answer stays until the new one arrives). It counts as
    /// loading from this very moment, so that a view drawn before the request starts already
    /// knows an answer is coming.
    pub fn refetch(&self) {
        self.loading.set(true);
        self.again.update(|n| *n = n.wrapping_add(1));
    }
}

impl<T: Clone + Send + Sync + 'static, E: Clone + Send + Sync + 'static> Fetched<Result<T, E>> {
    /// The latest answer if it was a success, read in place, tracked.
    pub fn with_ok<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.value.with(|value| match value {
            Some(Ok(value)) => Some(f(value)),
            _ => None,
        })
    }
}

/// One effect for every [`Fetched`]: it calls `start` once now and again whenever `again`
/// or a signal read by `start` changes.
fn run_tracked(again: RwSignal<u32>, start: Rc<dyn Fn()>) {
    Effect::new(move |_| {
        again.track();
        start();
    });
}

/// The current version of one row of a keyed list: `find` looks the row up (by its key) in
/// the list's latest answer. A refetch keeps the row's view and its half-typed inputs; only
/// the figures that changed follow. While the row is missing (it is leaving the list), it
/// keeps its last version.
pub fn live_row<T: Clone + PartialEq + Send + Sync + 'static>(
    first: T,
    find: impl Fn() -> Option<T> + Send + Sync + 'static,
) -> Memo<T> {
    Memo::new(move |previous: Option<&T>| {
        find()
            .or_else(|| previous.cloned())
            .unwrap_or_else(|| first.clone())
    })
}

/// Something sent to the server when the user acts: whether a request is on its way, and
/// the answer to the latest one.
pub struct Call<I: 'static, O: Send + Sync + 'static> {
    pending: RwSignal<bool>,
    value: RwSignal<Option<O>>,
    send: StoredValue<Sender<I, O>, LocalStorage>,
    latest: Latest,
}

impl<I: 'static, O: Send + Sync + 'static> Clone for Call<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: Send + Sync + 'static> Copy for Call<I, O> {}

impl<I: 'static, O: Clone + Send + Sync + 'static> Call<I, O> {
    pub fn new<Fut: Future<Output = O> + 'static>(send: impl Fn(&I) -> Fut + 'static) -> Self {
        let send: Sender<I, O> = Rc::new(move |input| Box::pin(send(input)));
        Self {
            pending: RwSignal::new(false),
            value: RwSignal::new(None),
            send: StoredValue::new_local(send),
            latest: Latest::new(),
        }
    }

    /// Sends `input`; the answer to the latest dispatch becomes [`Call::value`].
    pub fn dispatch(&self, input: I) {
        let Some(send) = self.send.try_get_value() else {
            return;
        };
        let future = send(&input);
        let this = self.latest.start();
        self.pending.set(true);
        let Self {
            pending,
            value,
            latest,
            ..
        } = *self;
        spawn_local(async move {
            let answer = future.await;
            if latest.is(this) {
                let _ = value.try_set(Some(answer));
                let _ = pending.try_set(false);
            }
        });
    }

    /// Whether the latest dispatch awaits its answer, tracked.
    pub fn pending(&self) -> ReadSignal<bool> {
        self.pending.read_only()
    }

    /// The answer to the latest dispatch, tracked (`None` before the first one).
    pub fn value(&self) -> ReadSignal<Option<O>> {
        self.value.read_only()
    }

    /// Reads `fetched` again after every answer to this call, a failure too (a refused
    /// change may still mean the shown value is out of date). One effect per call, so that
    /// each call's answers are followed whatever the others did.
    pub fn refetches<T: Clone + Send + Sync + 'static>(&self, fetched: Fetched<T>) {
        let value = self.value;
        Effect::new(move |_| {
            if value.with(Option::is_some) {
                fetched.refetch();
            }
        });
    }
}
