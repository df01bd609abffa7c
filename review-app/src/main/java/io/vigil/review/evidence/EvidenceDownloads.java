package io.vigil.review.evidence;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The files behind the Evidence page's links. Every request is authorized by {@link EvidencePacks}
 * (auditors and administrators), whatever page the link was on; a refusal is 403.
 */
@RestController
class EvidenceDownloads {

    static final String BASE = "/downloads/evidence/";
    static final String HISTORY = "/downloads/agent-history/";
    private static final MediaType XLSX =
            MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    private final EvidencePacks packs;

    EvidenceDownloads(EvidencePacks packs) {
        this.packs = packs;
    }

    @GetMapping(BASE + "{campaign}/" + EvidencePacks.XLSX)
    void workbook(@PathVariable("campaign") UUID campaign, HttpServletResponse response) throws IOException {
        file(campaign, EvidencePacks.XLSX, XLSX.toString(), response);
    }

    @GetMapping(BASE + "{campaign}/" + EvidencePacks.PDF)
    void document(@PathVariable("campaign") UUID campaign, HttpServletResponse response) throws IOException {
        file(campaign, EvidencePacks.PDF, MediaType.APPLICATION_PDF_VALUE, response);
    }

    @GetMapping(BASE + "{campaign}/pack.zip")
    void zip(@PathVariable("campaign") UUID campaign, HttpServletResponse response) throws IOException {
        start(response, "application/zip", packs.zipName(campaign));
        if (!packs.zip(campaign, response.getOutputStream())) {
            none(response);
        }
    }

    private void file(UUID campaign, String name, String type, HttpServletResponse response) throws IOException {
        start(response, type, packs.downloadName(campaign, name));
        if (!packs.writeFile(campaign, name, response.getOutputStream())) {
            none(response);
        }
    }

    private static void start(HttpServletResponse response, String type, String fileName) {
        response.setContentType(type);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, attachment(fileName));
    }

    /** Nothing was written yet (the pack is looked up first), so the response can still be an error. */
    private static void none(HttpServletResponse response) throws IOException {
        response.reset();
        response.sendError(HttpStatus.NOT_FOUND.value(), "no pack has been generated for this campaign yet");
    }

    @GetMapping(HISTORY + "{agent}")
    ResponseEntity<byte[]> history(@PathVariable("agent") UUID agent) {
        return send(packs.history(agent), XLSX);
    }

    @ExceptionHandler(NoSuchCampaign.class)
    ResponseEntity<String> unknown(NoSuchCampaign e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .contentType(MediaType.TEXT_PLAIN)
                .body(e.getMessage());
    }

    private static ResponseEntity<byte[]> send(EvidencePacks.Download download, MediaType type) {
        if (download == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, attachment(download.fileName()))
                .body(download.content());
    }

    private static String attachment(String name) {
        return ContentDisposition.attachment().filename(name).build().toString();
    }
}
