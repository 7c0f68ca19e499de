//! A bound on the body bytes buffered at once by every request of a layer, so that a flood of
//! large deliveries cannot exhaust memory (see
//! [`WebhookLayer::max_buffered_bytes`](crate::WebhookLayer::max_buffered_bytes)).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::outcome::Outcome;

/// Bytes in use out of a fixed total, shared by every clone of a layer and its services.
pub(crate) struct BufferBudget {
    limit: usize,
    used: AtomicUsize,
}

impl BufferBudget {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            used: AtomicUsize::new(0),
        })
    }

    /// Takes `n` more bytes if they fit.
    fn take(&self, n: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(n).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::AcqRel);
    }
}

impl fmt::Debug for BufferBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferBudget")
            .field("limit", &self.limit)
            .field("used", &self.used.load(Ordering::Relaxed))
            .finish()
    }
}

/// The part of the budget one request holds; given back when it is dropped (the request's
/// future completed or was cancelled). Without a budget it is empty and costs nothing.
#[derive(Default)]
pub(crate) struct Reservation {
    budget: Option<Arc<BufferBudget>>,
    held: usize,
}

impl Reservation {
    /// An empty reservation against `budget` (none: unlimited).
    pub(crate) fn on(budget: Option<&Arc<BufferBudget>>) -> Self {
        Self {
            budget: budget.cloned(),
            held: 0,
        }
    }

    /// Makes sure at least `bytes` are held.
    ///
    /// # Errors
    ///
    /// [`Outcome::BufferFull`] when the budget cannot cover them; what was held stays held
    /// until the reservation is dropped.
    pub(crate) fn cover(&mut self, bytes: usize) -> Result<(), Outcome> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let Some(more) = bytes.checked_sub(self.held).filter(|&more| more > 0) else {
            return Ok(());
        };
        if budget.take(more) {
            self.held = bytes;
            Ok(())
        } else {
            Err(Outcome::BufferFull)
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(budget) = &self.budget
            && self.held > 0
        {
            budget.give_back(self.held);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_share_the_budget_and_give_it_back() {
        let budget = BufferBudget::new(100);
        let mut a = Reservation::on(Some(&budget));
        let mut b = Reservation::on(Some(&budget));
        assert!(a.cover(60).is_ok());
        assert!(a.cover(40).is_ok(), "covering less than held takes nothing");
        assert_eq!(b.cover(41).unwrap_err(), Outcome::BufferFull);
        assert!(b.cover(40).is_ok());
        assert!(a.cover(61).is_err());
        drop(a);
        assert!(b.cover(100).is_ok());
        drop(b);
        assert_eq!(budget.used.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn without_a_budget_everything_fits() {
        let mut r = Reservation::on(None);
        assert!(r.cover(usize::MAX).is_ok());
    }
}
