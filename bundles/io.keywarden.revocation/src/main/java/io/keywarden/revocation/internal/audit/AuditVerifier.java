package io.keywarden.revocation.internal.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Checks an audit log's hash chain and its head file, and names the first line that was edited, inserted or
 * removed, or how many lines were cut off the end.
 */
public final class AuditVerifier {

    /** What went wrong at the first broken place. */
    public enum Problem {
        EDITED,
        INSERTED,
        REMOVED,
        TRUNCATED,
        HEAD_MISSING,
        BEYOND_HEAD
    }

    /** The outcome: ok, or the first problem with its 1-based line number and an explanation. */
    public record Result(boolean ok, long entries, Problem problem, long line, String message) {
        @Override
        public String toString() {
            return ok ? "audit log intact: " + entries + " entries" : message;
        }
    }

    private AuditVerifier() {}

    /** Strict: every line must be covered by the head. */
    public static Result verify(Path log) throws IOException {
        return verify(log, false);
    }

    /**
     * With {@code recovery}, one chained line past the head is accepted: what a crash between an append and the head
     * update leaves. Only an operator asks for that, after looking at the line; a routine check never does, since
     * a line appended outside the log looks exactly the same.
     */
    public static Result verify(Path log, boolean recovery) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        Optional<Result> broken = firstBreak(lines);
        return broken.isPresent() ? broken.get() : againstHead(AuditLog.headFile(log), lines, recovery);
    }

    /** The first place where the hash chain or the sequence numbers break, if any. */
    private static Optional<Result> firstBreak(List<String> lines) {
        String prevHash = AuditLog.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            Optional<Map<String, Object>> entry = parse(lines.get(i));
            long seq = seqOf(entry);
            String prev =
                    entry.map(e -> e.get(AuditLog.PREV)).map(String::valueOf).orElse("");
            if (seq != i + 1 || !prev.equals(prevHash)) {
                return Optional.of(whatBroke(lines, i, seq));
            }
            prevHash = AuditLog.sha256(lines.get(i));
        }
        return Optional.empty();
    }

    /** Tells an edit from an insertion or a removal at line {@code i + 1}, whose entry says it is {@code seq}. */
    private static Result whatBroke(List<String> lines, int i, long seq) {
        long lineNo = i + 1;
        if (seq == lineNo && lineNo == 1) {
            return bad(Problem.EDITED, 1, "line 1 was edited: it does not start the chain");
        }
        if (seq == lineNo) {
            // right place, but the line before is not what this one chained to
            return bad(
                    Problem.EDITED,
                    lineNo - 1,
                    "line " + (lineNo - 1) + " was edited: line " + lineNo + " recorded another hash for it");
        }
        if (seq == lineNo - 1) {
            // this is the entry that belongs one line up: the line above was slipped in
            return bad(
                    Problem.INSERTED,
                    lineNo - 1,
                    "line " + (lineNo - 1) + " was inserted: line " + lineNo + " is entry " + seq);
        }
        long nextSeq = i + 1 < lines.size() ? seqOf(parse(lines.get(i + 1))) : -1;
        if (nextSeq == lineNo) {
            return bad(Problem.INSERTED, lineNo, "line " + lineNo + " was inserted: the next line is entry " + lineNo);
        }
        if (seq > lineNo && (nextSeq == seq + 1 || i + 1 == lines.size())) {
            return bad(
                    Problem.REMOVED,
                    lineNo,
                    "entries " + lineNo + (seq - 1 > lineNo ? ".." + (seq - 1) : "") + " were removed before line "
                            + lineNo + " (which is entry " + seq + ")");
        }
        return bad(Problem.EDITED, lineNo, "line " + lineNo + " was edited: it is not a valid entry " + lineNo);
    }

    /** Checks an unbroken chain against the head file, which shows lines cut off the end. */
    private static Result againstHead(Path headFile, List<String> lines, boolean recovery) throws IOException {
        if (!Files.exists(headFile)) {
            return lines.isEmpty()
                    ? new Result(true, 0, null, 0, null)
                    : bad(
                            Problem.HEAD_MISSING,
                            0,
                            "the head file " + headFile + " is missing: truncation cannot be ruled out");
        }
        String[] head =
                Files.readString(headFile, StandardCharsets.US_ASCII).trim().split(" ");
        long count;
        try {
            count = Long.parseLong(head[0]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return bad(Problem.HEAD_MISSING, 0, "the head file " + headFile + " is unreadable");
        }
        String headHash = head.length > 1 ? head[1] : "";
        if (lines.size() < count) {
            return bad(
                    Problem.TRUNCATED,
                    lines.size() + 1,
                    "the last " + (count - lines.size()) + " entries (from line " + (lines.size() + 1)
                            + ") were removed: the head records " + count);
        }
        long covered = recovery ? count + 1 : count;
        if (lines.size() > covered) {
            return bad(
                    Problem.BEYOND_HEAD,
                    covered + 1,
                    "line " + (covered + 1) + " is beyond the head, which records "
                            + count + " entries: appended outside the log"
                            + (recovery
                                    ? ""
                                    : ", or left by a crash between an append and the head update (check the line, "
                                            + "then verify in recovery mode to accept one such line)"));
        }
        String atCount = count == 0 ? AuditLog.GENESIS : AuditLog.sha256(lines.get((int) count - 1));
        if (!atCount.equals(headHash)) {
            return bad(Problem.EDITED, count, "line " + count + " was edited: the head recorded another hash for it");
        }
        return new Result(true, lines.size(), null, 0, null);
    }

    private static long seqOf(Optional<Map<String, Object>> entry) {
        return entry.map(e -> e.get(AuditLog.SEQ))
                .filter(Number.class::isInstance)
                .map(n -> ((Number) n).longValue())
                .orElse(-1L);
    }

    private static Result bad(Problem p, long line, String message) {
        return new Result(false, 0, p, line, message);
    }

    private static Optional<Map<String, Object>> parse(String line) {
        try {
            return Optional.of(JsonUtil.parseJson(line));
        } catch (JoseException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
