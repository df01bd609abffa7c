package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.policy.RowCap;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.CommandComplete;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.Parse;
import io.vigil.proxy.protocol.frontend.Sync;
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.CountedStatement;
import io.vigil.proxy.session.Session;
import java.util.Set;

/**
 * Holds the answer of a statement under a row cap until PostgreSQL has said how many rows it
 * changed, and undoes the statement above the cap. Until the pipeline's Sync PostgreSQL has not
 * committed it, so the gateway keeps that Sync back (the client's, or its own for a simple Query)
 * and, above the cap, makes the target fail before it: the target then rolls back exactly as for a
 * statement that failed (the implicit transaction, or the explicit one, which is left aborted), and
 * skips what the client sent after it.
 *
 * <pre>
 *   client                        Vigil                                    target
 *     | Parse/Bind/Execute         | judged: allowed, at most 1,000 rows     |
 *     |   "update t ... id > 0"    |--- Parse/Bind/Execute, Flush ---------->|
 *     | Sync                       | (held: what follows waits)              |
 *     |                            |<-- rows (held, up to the cap) ----------|
 *     |                            |<-- CommandComplete "UPDATE 5000" -------|
 *     |                            | over the cap:                           |
 *     |                            |--- Parse "-- refused by Vigil ... )" -->| fails: the target
 *     |                            |<--------------- ErrorResponse 42601 ----| skips to Sync
 *     |<-- ErrorResponse 42501 ----| (in place of the count; 42601 dropped)  |
 *     |                            |--- Sync (the client's, let go) -------->| rolls back
 *     |<-------------------------------------------------- ReadyForQuery ----|
 *
 *   Under the cap the rows and the count go on as they came, then what the client sent after.
 *   A simple Query goes as Parse/Bind/Describe/Execute/Flush of its text; Vigil drops the answers
 *   to those and sends its Sync once the count is known.
 * </pre>
 *
 * The count is the statement's own rows, from its CommandComplete: rows changed by cascades,
 * triggers and rules are not in it. Held rows are capped at the cap and at {@link #MAX_HELD_BYTES};
 * a statement whose rows cannot be held is undone, whatever its count.
 */
final class RowCapGuard extends FrameInspector {

    /** The most bytes of a capped statement's answer held while its count is not known. */
    static final int MAX_HELD_BYTES = 16 * 1024 * 1024;

    /** The commands whose tag counts the rows they changed. */
    private static final Set<String> COUNTING_TAGS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

    /** Sent to undo a statement: fails in the target's parser and, being named, replaces nothing. */
    private static final Parse UNDO = new Parse("vigil_undo", StatementAuditHandler.SUBSTITUTE, true);

    private final Session session;
    private final HeldFrames held = new HeldFrames();
    private long heldBytes;
    private long rowsSeen;
    /** Why the statement is undone whatever its count (its rows could not all be held); null if not. */
    private String unheld;
    /** The target owes the error for {@link #UNDO}: it is dropped. */
    private boolean undoErrorOwed;

    RowCapGuard(Session session) {
        this.session = session;
    }

    @Override
    boolean inspect(ChannelHandlerContext ctx, PgFrame frame) {
        if (undoErrorOwed && frame.type() == BackendMessage.ERROR_RESPONSE) {
            undoErrorOwed = false;
            ReferenceCountUtil.release(frame);
            return false;
        }
        CountedStatement counting = session.counting();
        if (counting == null) {
            return true;
        }
        RowCap cap = session.statements().cappedHead();
        if (cap == null) {
            // An answer to what went before the capped statement. After an error there, the target
            // skips to its Sync: if the capped statement is before it, it does not run (the trail,
            // once it has read the error, no longer has it pending).
            if (frame.type() == BackendMessage.ERROR_RESPONSE) {
                ctx.executor().execute(() -> {
                    if (session.counting() == counting && !session.statements().cappedPending()) {
                        if (counting.ownPipeline()) {
                            send(new Sync());
                        }
                        finishAfter(counting);
                    }
                });
            }
            return true;
        }
        if (counting.ownPipeline() && answersOwnPipeline(frame.type())) {
            // Answers to the gateway's own messages for a simple Query: a Query gets none.
            ReferenceCountUtil.release(frame);
            return false;
        }
        return switch (frame.type()) {
            case BackendMessage.DATA_ROW -> row(frame, cap);
            case BackendMessage.COMMAND_COMPLETE -> counted(ctx, frame, counting, cap);
            case BackendMessage.PORTAL_SUSPENDED -> {
                unheld = unheld != null ? unheld : "the client fetches its rows in parts, so they cannot all be held";
                yield undo(ctx, frame, counting, cap.uncounted(unheld));
            }
            case BackendMessage.ERROR_RESPONSE -> {
                // It failed by itself: the target rolls back and skips to Sync as ever.
                passHeld(ctx, true);
                if (counting.ownPipeline()) {
                    send(new Sync());
                }
                finishAfter(counting);
                yield true;
            }
            case BackendMessage.COPY_IN_RESPONSE,
                    BackendMessage.COPY_OUT_RESPONSE,
                    BackendMessage.COPY_BOTH_RESPONSE -> {
                // Not reached: what runs a COPY is not counted, and is held for review instead.
                ReferenceCountUtil.release(frame);
                session.terminate(SqlState.PROTOCOL_VIOLATION, "a statement under a row cap started a COPY");
                yield false;
            }
            default -> hold(frame);
        };
    }

    private static boolean answersOwnPipeline(byte type) {
        return type == BackendMessage.PARSE_COMPLETE
                || type == BackendMessage.BIND_COMPLETE
                || type == BackendMessage.NO_DATA;
    }

    /** A row of the answer: held while it may yet be relayed. */
    private boolean row(PgFrame frame, RowCap cap) {
        rowsSeen++;
        if (rowsSeen <= cap.rows()) {
            return hold(frame);
        }
        // More rows than the cap: it is over, whatever it says next. Dropped, with its parts.
        ReferenceCountUtil.release(frame);
        return false;
    }

    /** Holds a message of the answer, within {@link #MAX_HELD_BYTES} for all of them together. */
    private boolean hold(PgFrame frame) {
        int size = frame.content().readableBytes();
        if (unheld == null && !frame.complete()) {
            unheld = "a message of its answer is longer than Vigil holds whole";
        } else if (unheld == null && heldBytes + size > MAX_HELD_BYTES) {
            unheld = "its answer is more than the " + (MAX_HELD_BYTES >> 20) + " MiB Vigil holds while it counts";
        }
        if (unheld != null) {
            // It is undone whatever its count: what cannot be held is dropped (with its parts).
            ReferenceCountUtil.release(frame);
            return false;
        }
        heldBytes += size;
        held.hold(frame);
        return false;
    }

    /** Its CommandComplete: relayed with what was held if within the cap, else the statement is undone. */
    private boolean counted(ChannelHandlerContext ctx, PgFrame frame, CountedStatement counting, RowCap cap) {
        CommandComplete complete = (CommandComplete) BackendDecoder.decode(frame);
        Long rows = COUNTING_TAGS.contains(complete.command()) ? complete.rows() : null;
        if (unheld == null && rows != null && rows <= cap.rows() && rowsSeen <= cap.rows()) {
            passHeld(ctx, true);
            if (counting.ownPipeline()) {
                send(new Sync());
            }
            finishAfter(counting);
            return true;
        }
        String why;
        if (unheld != null) {
            why = cap.uncounted(unheld);
        } else if (rows == null) {
            why = cap.uncounted("PostgreSQL answered \"" + complete.tag() + "\", which counts no changed rows");
        } else {
            why = cap.exceeded(Math.max(rows, rowsSeen));
        }
        return undo(ctx, frame, counting, why);
    }

    /**
     * Replaces {@code frame} with an error saying {@code why}, and makes the target fail before the
     * pipeline's Sync, so that it rolls back what the statement did.
     */
    private boolean undo(ChannelHandlerContext ctx, PgFrame frame, CountedStatement counting, String why) {
        passHeld(ctx, false);
        send(UNDO);
        undoErrorOwed = true;
        if (counting.ownPipeline()) {
            send(new Sync());
        }
        ClientReplies.inPlaceOf(ctx, frame, ErrorResponse.error(SqlState.INSUFFICIENT_PRIVILEGE, why));
        finishAfter(counting);
        return false;
    }

    /** Relays what was held, in order; without its rows if {@code withRows} is false. */
    private void passHeld(ChannelHandlerContext ctx, boolean withRows) {
        for (PgFrame next = held.next(); next != null; next = held.next()) {
            if (withRows || next.type() != BackendMessage.DATA_ROW) {
                ctx.fireChannelRead(next);
            } else {
                ReferenceCountUtil.release(next);
            }
        }
    }

    private void send(FrontendMessage message) {
        session.upstream()
                .writeAndFlush(
                        FrontendEncoder.encode(message, session.upstream().alloc()));
    }

    /**
     * This statement is done with: once the frame in hand has been passed on (and the trail has
     * read it), what the client sent after it goes on.
     */
    private void finishAfter(CountedStatement counting) {
        heldBytes = 0;
        rowsSeen = 0;
        unheld = null;
        session.counted();
        session.upstream().eventLoop().execute(counting.then());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.releaseAll();
        ctx.fireChannelInactive();
    }
}
