package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.util.UUID;

/**
 * One stored record as the verifier sees it: the event re-created from its row (or export line),
 * where it claims to sit (spool and leaf, chain position) and the hash stored with it.
 *
 * @param spoolId the gateway spool it was shipped from; null for records from before checkpoints
 * @param leaf its leaf number in that spool's Merkle tree; null likewise
 */
public record TrailRecord(UUID spoolId, Long leaf, int chainIndex, byte[] storedHash, AuditEvent event) {

    public UUID sessionId() {
        return event.sessionId();
    }

    /** How a person finds the record: its chain position and what it is. */
    public String describe() {
        String what =
                switch (event) {
                    case SessionOpened e -> "session opened";
                    case StatementStarted e -> "statement " + e.seq() + " started";
                    case StatementCompleted e -> "statement " + e.seq() + " completed";
                    case SessionClosed e -> "session closed";
                    case LoginRefused e -> "login of \"" + e.user() + "\" refused";
                    case CancelRequested e -> "cancel requested";
                    case PersonActed e -> e.action() + " by \"" + e.actor() + "\"";
                    case Pruned e -> "removed by retention";
                };
        return "record " + chainIndex + " (" + what + (leaf == null ? "" : ", leaf " + leaf) + ")";
    }
}
