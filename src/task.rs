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

/// A value read from the server: `None` until the first answer; afterwards the latest
/// answer (the previous one stays shown while a newer one is on its way).
pub struct Fetched<T: Send + Sync + 'static> {
    value: RwSignal<Option<T>>,
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
    /// while awaiting its future) changes. An answer that arrives after a newer request was
    /// started is dropped.
    pub fn new<Fut: Future<Output = T> + 'static>(fetch: impl Fn() -> Fut + 'static) -> Self {
        let value = RwSignal::new(None);
        let again = RwSignal::new(0);
        let latest = Latest::new();
        let start: Rc<dyn Fn()> = Rc::new(move || {
            let future: Boxed<T> = Box::pin(fetch());
            let this = latest.start();
            spawn_local(async move {
                let answer = future.await;
                if latest.is(this) {
                    let _ = value.try_set(Some(answer));
                }
            });
        });
        run_tracked(again, start);
        Self { value, again }
    }

    /// The latest answer, tracked.
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// Reads it again (the current answer stays until the new one arrives).
    pub fn refetch(&self) {
        self.again.update(|n| *n = n.wrapping_add(1));
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
}
