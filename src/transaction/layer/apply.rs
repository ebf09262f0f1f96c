//! Firing timers and carrying out the machines' actions: the part of the
//! layer a timer firing runs, kept to the lines of a transaction it must
//! read (see `Tx`).

use std::time::{Duration, Instant};

use super::super::action::{Action, Actions, Notice};
use super::super::table::{timer_slot, Machine};
use super::super::types::{Transmit, TxEvent, TxId, TxOutput};
use super::{Carried, TransactionLayer};

impl TransactionLayer {
    /// Fires every timer due at `now`, in deadline order.
    pub fn handle_timeout(&mut self, now: Instant) {
        let timers = self.config.timers;
        while let Some((key, after)) = self.timers.pop_due_armed(now) {
            // The key names the slot, and the slot's first cache line
            // tells whether the timer still acts: no id lookup and no set
            // of stopped timers, each a cache miss with many live
            // transactions.
            let Some(tx) = self.txs.at_mut(key.slot).filter(|tx| tx.acts(&key)) else {
                self.stale = self.stale.saturating_sub(1);
                continue;
            };
            let kind = key.kind;
            let actions = match &mut tx.machine {
                Machine::InviteClient(m) => m.on_timer(kind, after, &timers),
                Machine::NonInviteClient(m) => m.on_timer(kind, after, &timers),
                Machine::InviteServer(m) => m.on_timer(kind, after, &timers),
                Machine::NonInviteServer(m) => m.on_timer(kind, after, &timers),
            };
            let fired = Some(timer_slot(kind));
            self.apply_at(now, key.slot, fired, actions, Carried::Nothing);
        }
        self.tidy_timers(None);
    }

    /// Carries out a machine's actions in order; `carried` is the message
    /// that caused them, moved into the event if the machine passes it on.
    /// Zero-length timers fire at once (reliable transports zero D, I, J, K).
    pub(super) fn apply_carrying(
        &mut self,
        now: Instant,
        id: TxId,
        actions: Actions,
        carried: Carried,
    ) {
        if let Some(slot) = self.txs.slot_of(&id) {
            self.apply_at(now, slot, None, actions, carried);
        }
    }

    /// [`apply_carrying`](Self::apply_carrying) for the transaction at
    /// `slot`. `fired` is the timer slot of a timer that has just fired:
    /// armed again, it keeps its stamp, so the transaction is not written;
    /// not armed again, it is marked so.
    fn apply_at(
        &mut self,
        now: Instant,
        slot: u32,
        mut fired: Option<usize>,
        mut queue: Actions,
        mut carried: Carried,
    ) {
        // Both are worked on where the caller put them: rebinding either
        // copied it (a `Carried` holds a whole `Message`, a kilobyte) on
        // every firing.
        let timers = self.config.timers;
        let mut next = 0;
        while next < queue.len() {
            // Taken out in order; the placeholder left behind is never read.
            let action = std::mem::replace(&mut queue[next], Action::Terminate);
            next += 1;
            // Until something is told or ended, nothing can end the
            // transaction or reuse its slot; after, the arms check it.
            let Some(tx) = self.txs.at_mut(slot) else {
                break;
            };
            match action {
                Action::Send(bytes) => self.outputs.push_back(TxOutput::Transmit(Transmit {
                    transport: tx.transport,
                    flow: tx.flow(),
                    destination: tx.destination(),
                    bytes,
                })),
                Action::Arm(kind, after) if after == Duration::ZERO => {
                    let more = match &mut tx.machine {
                        Machine::InviteClient(m) => m.on_timer(kind, after, &timers),
                        Machine::NonInviteClient(m) => m.on_timer(kind, after, &timers),
                        Machine::InviteServer(m) => m.on_timer(kind, after, &timers),
                        Machine::NonInviteServer(m) => m.on_timer(kind, after, &timers),
                    };
                    queue.extend(more);
                }
                Action::Arm(kind, after) => {
                    let at = timer_slot(kind);
                    let key = if fired == Some(at) {
                        fired = None;
                        tx.key(slot, kind)
                    } else {
                        let (key, replaced) = tx.arm(slot, kind);
                        self.stale += usize::from(replaced);
                        key
                    };
                    self.timers.insert(now, after, key);
                }
                Action::Cancel(kind) => {
                    let at = timer_slot(kind);
                    let was_armed = tx.disarm(at);
                    if fired == Some(at) {
                        fired = None; // popped already: nothing queued to stop
                    } else if was_armed {
                        self.stale += 1;
                    }
                }
                Action::Tell(notice) => {
                    // What is told may act on the transaction, which must
                    // not count as armed a timer no longer queued.
                    if let Some(f) = fired.take() {
                        tx.disarm(f);
                    }
                    let id = tx.id(slot);
                    if let Notice::PassOn = notice {
                        let event = match std::mem::replace(&mut carried, Carried::Nothing) {
                            Carried::Response(response) => TxEvent::Response { tx: id, response },
                            Carried::Ack(ack, flow) => TxEvent::Ack {
                                tx: Some(id),
                                ack,
                                flow,
                            },
                            _ => continue,
                        };
                        self.outputs.push_back(TxOutput::Event(event));
                    } else {
                        self.tell(now, id, notice);
                        if self.txs.id_at(slot) != Some(id) {
                            break; // ended by what it was told
                        }
                    }
                }
                Action::Terminate => {
                    if let Some(f) = fired.take() {
                        tx.disarm(f);
                    }
                    let id = tx.id(slot);
                    self.forget(id);
                    break;
                }
            }
        }
        // Still held only if nothing was told or ended: the slot is ours.
        if let Some(f) = fired {
            if let Some(tx) = self.txs.at_mut(slot) {
                tx.disarm(f);
            }
        }
        self.tidy_timers(Some(slot));
    }

    /// Pops stale entries off the front of the queue, so
    /// [`poll_timeout`](Self::poll_timeout) names a timer that acts, and
    /// sweeps the queue when stale entries outnumber live ones, so its
    /// memory follows the live timers (each sweep reads every entry's
    /// transaction, paid for by the half of them it frees).
    ///
    /// The front acted before the caller touched the transaction at
    /// `touched` (`None`: the front moved), so only an entry of that one
    /// can have gone stale, and the cold first line of another transaction
    /// is read only when the front moves on.
    fn tidy_timers(&mut self, mut touched: Option<u32>) {
        if self.stale > 64 + self.timers.len() / 2 {
            let txs = &self.txs;
            self.timers.retain(|key| txs.acts(key));
            self.stale = 0;
            touched = None;
        }
        while let Some(key) = self.timers.peek_key() {
            let acts = match touched {
                Some(slot) if slot != key.slot => break,
                Some(_) => self.txs.acts(&key),
                None => self.txs.acts_next(&key),
            };
            if acts {
                break;
            }
            self.timers.pop();
            self.stale = self.stale.saturating_sub(1);
            touched = None;
        }
    }
}
