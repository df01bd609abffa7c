package io.vigil.review.usage;

import java.time.OffsetDateTime;

/**
 * What an agent did to one relation with one operation, over some days.
 *
 * @param relation as the statements named it (schema-qualified when they qualified it)
 * @param operation select, insert, update, delete, merge, truncate, ddl, grant, ...
 * @param rows rows the statements returned or changed
 * @param denials statements refused by Vigil or by the database (insufficient privilege)
 */
public record RelationUsage(
        String relation,
        String operation,
        long statements,
        long rows,
        long errors,
        long denials,
        OffsetDateTime lastAt) {}
