package io.vigil.review.campaigns;

import java.time.OffsetDateTime;

/**
 * How an agent has used one relation with one operation, as of a campaign's launch.
 *
 * @param relation as its statements named it (schema-qualified when they qualified it)
 * @param operation select, insert, update, delete, merge, truncate, ddl, ...
 * @param statements how many statements did so, since its first use
 * @param firstAt its first use (to the day for what was rolled up before Vigil kept the time)
 * @param lastAt its last use
 */
public record RelationUse(
        String relation, String operation, long statements, OffsetDateTime firstAt, OffsetDateTime lastAt) {}
