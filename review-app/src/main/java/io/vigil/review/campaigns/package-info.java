/**
 * Certification campaigns: definitions (scope, schedule, reviewers, stages, reminders, escalation,
 * default decision), launches that freeze each agent's evidence with a recommendation, reviewers'
 * worklists and decisions under separation of duties, and remediation applied and verified on the
 * target. Quartz, with its job store in Vigil's store, fires launches, reminders, escalations and
 * closes once across every app instance.
 */
package io.vigil.review.campaigns;
