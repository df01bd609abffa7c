package io.vigil.review.campaigns;

import java.util.List;

/**
 * What a decision (one item or a bulk of them) did.
 *
 * @param refused the items it was refused for, each with why (separation of duties, a closed stage)
 */
public record Decided(int decided, List<String> refused) {}
