package io.vigil.proxy.session;

import io.vigil.proxy.approval.ApprovalDesk;
import java.util.function.Consumer;

/**
 * A statement waiting in its session for a person's decision: nothing of it, and nothing the client
 * sent after it, has reached the target. Settled once: by a decision, by expiry, or withdrawn
 * (cancelled by the client, the client gone, the session ended). On the session's event loop.
 */
public final class Hold {

    /** How a hold ends. */
    public sealed interface End {}

    /** A person decided. */
    public record Decided(ApprovalDesk.Decision decision) implements End {}

    /** Nobody decided in time. */
    public record Expired() implements End {}

    /** The client cancelled it. */
    public record Cancelled() implements End {}

    /** The client left, or the session was ended: nobody is waiting any more. */
    public record Withdrawn() implements End {}

    /** The request could not be filed (the store is unreachable): it cannot be approved. */
    public record Unfiled() implements End {}

    private final ApprovalDesk.Request request;
    private final Consumer<End> settle;
    private boolean settled;

    public Hold(ApprovalDesk.Request request, Consumer<End> settle) {
        this.request = request;
        this.settle = settle;
    }

    public ApprovalDesk.Request request() {
        return request;
    }

    /** Ends the hold as {@code end} says, if it has not ended yet. */
    public void settle(End end) {
        if (!settled) {
            settled = true;
            settle.accept(end);
        }
    }

    public boolean settled() {
        return settled;
    }
}
