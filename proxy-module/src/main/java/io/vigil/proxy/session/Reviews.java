package io.vigil.proxy.session;

import io.vigil.proxy.policy.Verdict;
import java.util.List;
import java.util.UUID;

/**
 * What the statement tracker asks when policy sends a statement for review that cannot wait in its
 * session (inside a transaction, later in a pipeline, a prepared statement run again): whether a
 * person approved it already, and if not, for a request to one.
 */
public interface Reviews {

    /**
     * The approval that lets exactly this statement run now, used up (once, or one of a standing
     * approval's runs): a standing approval an administrator gave the agent for this text and these
     * values, or a person's approval of it after an earlier refusal (same text, values and session
     * state); null if there is none.
     */
    UUID approved(Verdict.Review review, String text, List<String> values);

    /**
     * Whether a standing approval is for this text, with some values: a Parse of it is then decided
     * at its Execute, where its values are known, instead of waiting.
     */
    boolean standingFor(String text);

    /** The statement ran under {@code approval}, as the session's statement {@code seq}. */
    void ran(UUID approval, long seq);

    /**
     * The statement is refused now: files a request for a person's approval, or names the one
     * already filed for it.
     *
     * @param values its bound values, null if none
     * @param shown those values as an approver may see them, null if Vigil does not keep them
     * @return why it did not run, and how it may: what the agent is told
     */
    String refused(Verdict.Review review, String text, List<String> values, List<String> shown);
}
