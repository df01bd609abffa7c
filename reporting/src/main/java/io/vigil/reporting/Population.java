package io.vigil.reporting;

import java.util.List;

/**
 * The population as launched, and what changed since the definition's previous campaign.
 *
 * @param hash SHA-256 over every item's evidence hash in agent-id order, as stored at launch (hex)
 * @param previousCampaign the previous campaign of the same definition, null for the first
 * @param added agents in this campaign and not in the previous one
 * @param removed agents in the previous campaign and not in this one
 */
public record Population(
        String hash, String previousCampaign, String previousHash, List<String> added, List<String> removed) {

    public Population {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }
}
