package io.keywarden.support.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndTheLastIsNotPadded() {
        String t = new Table("ID", "STATE", "NOTE")
                .add("gw-1", "ENROLLED", "x")
                .add("sensor-10", "", null)
                .toString();
        assertEquals("ID         STATE     NOTE\n" + "gw-1       ENROLLED  x\n" + "sensor-10            \n", t);
    }

    @Test
    void aRuleUnderTheHeaderWhenAsked() {
        assertEquals(
                "A    B\n---  --\nabc  bb\n",
                new Table("A", "B").ruled().add("abc", "bb").toString());
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").add("only one"));
    }
}
