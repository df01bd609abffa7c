/**
 * Evidence packs as files an auditor can check alone: a manifest listing each file's SHA-256,
 * signed with the trail key ({@link EvidenceManifest}), and the check of a pack against it
 * ({@link PackVerifier}, behind {@code vigil audit verify --pack}).
 */
package io.vigil.proxy.audit.pack;
