package io.keywarden.support.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Left-aligned columns for the console: a column is as wide as its widest cell, columns are two spaces apart and the
 * last one is not padded. Optionally a dashed rule under the header.
 */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private boolean ruled;

    public Table(String... header) {
        rows.add(header.clone());
    }

    /** Draws a dashed line under the header. */
    public Table ruled() {
        ruled = true;
        return this;
    }

    /** A row with one cell per header column; a null cell prints as empty. */
    public Table add(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException(cells.length + " cells for " + rows.get(0).length + " columns");
        }
        String[] copy = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            copy[i] = cells[i] == null ? "" : cells[i];
        }
        rows.add(copy);
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, rows.get(0), w);
        if (ruled) {
            String[] rule = new String[w.length];
            for (int i = 0; i < w.length; i++) {
                rule[i] = "-".repeat(w[i]);
            }
            line(sb, rule, w);
        }
        for (String[] r : rows.subList(1, rows.size())) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == cells.length - 1 ? cells[i] : String.format("%-" + w[i] + "s  ", cells[i]));
        }
        sb.append('\n');
    }
}
