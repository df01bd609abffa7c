package io.vigil.review.evidence;

/** A download asked for a campaign there is none of. */
class NoSuchCampaign extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    NoSuchCampaign() {
        super("no such campaign");
    }
}
