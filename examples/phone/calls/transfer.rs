//! Blind transfer, both sides: the transferor's `--transfer-to` (REFER,
//! then the new call's progress from the transferee's NOTIFYs) and the
//! transferee's `--accept-refer` (sansip answers 202, places the new call
//! and NOTIFYs the transferor; the phone follows that call like any).

use std::time::Instant;

use sansip::endpoint::{Endpoint, SessionId};

use super::{Call, Calls};
use crate::{one_line, say};

impl Calls {
    /// `--transfer-to`: REFER the peer of call `id` to the target.
    pub(super) fn transfer(&mut self, ep: &mut Endpoint, now: Instant, id: SessionId) {
        let Some((target, _)) = &self.cfg.transfer else {
            return;
        };
        match ep.refer(now, id, target) {
            Ok(()) => {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.referring = Some(false);
                }
            }
            Err(e) => say(format_args!(
                "transfer-failed reason={}",
                one_line(&e.to_string())
            )),
        }
    }

    /// Transferor: the REFER's answer, then the new call's statuses from
    /// the transferee's NOTIFYs. A final 2xx of the new call ends the
    /// transfer: we hang up our call (RFC 5589 §6); a failure keeps it.
    pub(super) fn transfer_progress(
        &mut self,
        ep: &mut Endpoint,
        now: Instant,
        id: SessionId,
        status: u16,
    ) {
        say(format_args!("transfer-progress status={status}"));
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some(answered) = call.referring else {
            return;
        };
        if status < 200 {
            return;
        }
        if !answered {
            // The REFER's own answer: 202 (or 200) and the NOTIFYs follow.
            call.referring = Some(true);
            if status >= 300 {
                call.referring = None;
                say(format_args!("transfer-failed status={status}"));
            }
            return;
        }
        call.referring = None;
        if status < 300 {
            say(format_args!("transfer-succeeded status={status}"));
            if let Err(e) = ep.hangup(now, id) {
                eprintln!("phone: cannot hang up after the transfer: {e}");
            }
        } else {
            say(format_args!("transfer-failed status={status}"));
        }
    }

    /// Transferee: a REFER arrived in call `id`. With `--accept-refer`,
    /// sansip answers 202 and places the new call, whose events are the
    /// phone's like any call's; else it declines (603).
    pub(super) fn transfer_requested(
        &mut self,
        ep: &mut Endpoint,
        now: Instant,
        id: SessionId,
        target: &str,
        referred_by: Option<String>,
    ) {
        let by = referred_by.map_or(String::new(), |b| format!(" referred-by={b}"));
        say(format_args!("transfer-requested target={target}{by}"));
        if !self.cfg.accept_refer {
            match ep.reject_transfer(now, id) {
                Ok(()) => say(format_args!("transfer-rejected target={target} status=603")),
                Err(e) => eprintln!("phone: cannot decline the transfer: {e}"),
            }
            return;
        }
        match ep.accept_transfer(now, id) {
            Ok(new_call) => {
                say(format_args!("transfer-accepted target={target}"));
                // sansip offers the SDP of the call being transferred; the
                // phone's bookkeeping takes its usual offer (same media)
                // to read the answer against.
                let mut neg = self.negotiation();
                if let Err(e) = neg.set_local_offer(self.offer()) {
                    eprintln!("phone: offer of the transferred call: {e}");
                }
                self.calls.insert(new_call, Call::new(neg));
                // The `--call` carries on as the new call: the phone exits
                // when that one ends.
                if self.placed == Some(id) {
                    self.placed = Some(new_call);
                    self.placed_accepted = false;
                }
            }
            Err(e) => say(format_args!(
                "transfer-failed reason={}",
                one_line(&e.to_string())
            )),
        }
    }
}
