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
        while let Some((generation, (slot, kind), after)) = self.timers.pop_due_armed(now) {
            // Every stopped generation still queued is in the dead set, so
            // one that is not there is live: the transaction's record of
            // it need not be read.
            if self.dead.remove(&generation) {
                continue;
            }
            let Some(tx) = self.txs.at_mut(slot) else {
                continue;
            };
            let at = timer_slot(kind);
            debug_assert_eq!(tx.armed[at], generation, "a live timer is the armed one");
            let actions = match &mut tx.machine {
                Machine::InviteClient(m) => m.on_timer(kind, after, &timers),
                Machine::NonInviteClient(m) => m.on_timer(kind, after, &timers),
                Machine::InviteServer(m) => m.on_timer(kind, after, &timers),
                Machine::NonInviteServer(m) => m.on_timer(kind, after, &timers),
            };
            // The timer named the slot: no id lookup (a cache miss when
            // many transactions are live).
            self.apply_at(now, slot, Some((at, generation)), actions, Carried::Nothing);
        }
        // Dead entries are skipped when they surface; sweep them when they
        // dominate, so memory follows the live timers.
        if self.dead.len() > 64 + self.timers.len() / 2 {
            let dead = std::mem::take(&mut self.dead);
            self.timers.retain(|g, _| !dead.contains(&g));
        }
        self.drop_dead_timers();
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
    /// `slot`. `fired` is the timer slot and generation of a timer that
    /// has just fired: armed again, it keeps its generation, so the
    /// transaction's record of it is not written (a line a retransmission
    /// reads nothing else from); not armed again, the record is cleared.
    fn apply_at(
        &mut self,
        now: Instant,
        slot: u32,
        mut fired: Option<(usize, u64)>,
        actions: Actions,
        carried: Carried,
    ) {
        let timers = self.config.timers;
        let mut carried = Some(carried);
        let mut queue = actions;
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
                    match fired {
                        Some((f, generation)) if f == at => {
                            fired = None;
                            self.timers.rearm(now, after, (slot, kind), generation);
                        }
                        _ => {
                            if tx.armed[at] != 0 {
                                self.dead.insert(tx.armed[at]);
                            }
                            tx.armed[at] = self.timers.insert(now, after, (slot, kind));
                        }
                    }
                }
                Action::Cancel(kind) => {
                    let at = timer_slot(kind);
                    let old = std::mem::take(&mut tx.armed[at]);
                    if fired.is_some_and(|(f, _)| f == at) {
                        fired = None; // popped already: nothing queued to stop
                    } else if old != 0 {
                        self.dead.insert(old);
                    }
                }
                Action::Tell(notice) => {
                    // What is told may act on the transaction, which must
                    // not hold the generation of a timer no longer queued.
                    if let Some((f, _)) = fired.take() {
                        tx.armed[f] = 0;
                    }
                    let id = tx.id;
                    if let Notice::PassOn = notice {
                        let event = match carried.take() {
                            Some(Carried::Response(response)) => {
                                TxEvent::Response { tx: id, response }
                            }
                            Some(Carried::Ack(ack, flow)) => TxEvent::Ack {
                                tx: Some(id),
                                ack,
                                flow,
                            },
                            _ => continue,
                        };
                        self.outputs.push_back(TxOutput::Event(event));
                    } else {
                        self.tell(now, id, notice);
                        if self.txs.at_mut(slot).map_or(true, |t| t.id != id) {
                            break; // ended by what it was told
                        }
                    }
                }
                Action::Terminate => {
                    if let Some((f, _)) = fired.take() {
                        tx.armed[f] = 0;
                    }
                    let id = tx.id;
                    self.forget(id);
                    break;
                }
            }
        }
        // Still held only if nothing was told or ended: the slot is ours.
        if let Some((f, _)) = fired {
            if let Some(tx) = self.txs.at_mut(slot) {
                tx.armed[f] = 0;
            }
        }
        self.drop_dead_timers();
    }

    /// Pops stopped timers and those of forgotten transactions off the
    /// front of the queue, so [`poll_timeout`](Self::poll_timeout) names a
    /// timer that acts. Each entry is popped at most once, and telling dead
    /// from live reads only the small set of dead generations.
    pub(super) fn drop_dead_timers(&mut self) {
        while let Some(generation) = self.timers.peek_generation() {
            if !self.dead.remove(&generation) {
                break;
            }
            self.timers.pop();
        }
    }
}
