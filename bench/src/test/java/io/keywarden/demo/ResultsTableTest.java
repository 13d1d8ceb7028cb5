package io.keywarden.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results table judges goals from the figures it was given: met, missed, or not measured (never met). */
class ResultsTableTest {

    private static String row(String table, String start) {
        return List.of(table.split("\n")).stream()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + start + " in\n" + table));
    }

    @Test
    void goalsAreJudgedFromTheFigures() {
        Figures f = new Figures();
        f.put("p1.valid.rate", 120);
        f.put("p1.valid.lego.rate", 30);
        f.put("p1.valid.cpu_ms", 12);
        f.put("p1.valid.pebble_cpu_ms", 8);
        f.put("p2.refused.p99_ms", 40);
        f.put("p2.refused.n", 50);
        f.put("p2.revoked.p99_ms", 1500);
        String table = new ResultsTable(f, Set.of("P1", "P2")).markdown();

        assertTrue(row(table, "| P1 | 200 certificates through one gateway, always-valid")
                .contains("| 4.00x |"));
        assertTrue(row(table, "| P1 | 200 certificates through one gateway, always-valid")
                .endsWith("| yes |"));
        assertTrue(row(table, "| P1 | client CPU per certificate, always-valid").endsWith("| **no** |"));
        assertTrue(row(table, "| P1 | 200 certificates through one gateway, real http-01")
                .endsWith("| not measured |"));
        assertTrue(row(table, "| P2 | malicious act → next request refused").endsWith("| yes |"));
        assertTrue(row(table, "| P2 | malicious act → Revoked at Pebble").endsWith("| **no** |"));
        assertFalse(table.contains("| P3 |"), "parts not run have no rows");
    }

    @Test
    void aFailedPartIsOneRowWithItsReason() {
        Figures f = new Figures();
        f.note("p3.failed", "did not finish within 180 s | bounded");
        String table = new ResultsTable(f, Set.of("P3")).markdown();
        String row = row(table, "| P3 |");
        assertTrue(row.contains("**no**: did not finish within 180 s / bounded"), row);
    }

    @Test
    void eachP3SetupIsARowWithTheOtherGatewayAndTheLoad() {
        Figures f = new Figures();
        f.put("p3.h2.a1.r1.sensors", 1000);
        f.put("p3.h2.a1.r1.revoked_ms", 9000);
        f.put("p3.h2.a1.r1.denied_ms", 300);
        f.put("p3.h2.a1.r1.denied_other_ms", 310);
        f.put("p3.h2.a1.r1.load1_before", 3.2);
        f.put("p3.h2.a1.r1.load1_after", 5.1);
        f.put("p3.pg.a2.r1.sensors", 1000);
        f.put("p3.pg.a2.r1.revoked_ms", 12000);
        f.put("p3.pg.a2.r2.sensors", 1000);
        f.note("p3.pg.a2.r2.failed", "timed out");
        String table = new ResultsTable(f, Set.of("P3")).markdown();
        String h2 = row(table, "| P3 | the same, 1,000 sensors, H2, 1 authority instance, run 1 |");
        assertTrue(h2.contains("at another gateway 310.0 ms") && h2.contains("load average 3.2 → 5.1"), h2);
        assertTrue(h2.endsWith("| yes |"), h2);
        assertTrue(row(table, "| P3 | the same, 1,000 sensors, PostgreSQL, 2 authority instances, run 1 |")
                .endsWith("| **no** |"));
        assertTrue(row(table, "| P3 | the same, 1,000 sensors, PostgreSQL, 2 authority instances, run 2 |")
                .endsWith("| **no**: timed out |"));
        assertFalse(table.contains("gateway with – sensors"), "no empty row for the default run, which did not run");
    }

    @Test
    void aStalledFootprintRunIsNotMet() {
        Figures f = new Figures();
        f.put("p4.heap_small_mib", 20);
        f.put("p4.heap_large_mib", 60);
        f.put("p4.stalled_at", 2000);
        f.put("p4.wanted", 5000);
        f.put("p4.heap_large.sensors", 2000);
        f.put("p4.start_active.sensors", 1000);
        String table = new ResultsTable(f, Set.of("P4")).markdown();
        String row = row(table, "| P4 | heap after a full GC, 5,000");
        assertTrue(row.contains("did not fit: enrollment stalled at 2,000") && row.endsWith("| **no** |"), row);
    }

    @Test
    void theChartIsDrawnWhenGnuplotIsThere(@TempDir Path dir) throws Exception {
        assumeTrue(ResultsChart.available(), "gnuplot is not installed");
        Figures f = new Figures();
        f.put("p1.valid.rate", 60);
        f.put("p1.valid.cpu_ms", 20);
        f.put("p1.valid.lego.rate", 15);
        f.put("p1.valid.pebble_cpu_ms", 7);
        Path png = dir.resolve("c.png");
        ResultsChart.draw(f, png, dir.resolve("c.dat"));
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
    }
}
