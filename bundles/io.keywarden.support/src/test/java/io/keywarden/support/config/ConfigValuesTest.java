package io.keywarden.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    private static InvalidConfigurationException bad(ConfigurationErrors.Parser<?> p) {
        return assertThrows(InvalidConfigurationException.class, p::parse);
    }

    @Test
    void blankIsAbsentAndValuesAreTrimmed() throws Exception {
        ConfigValues c = new ConfigValues(Map.of("a", "  x ", "b", "   ", "n", 5));
        assertEquals(Optional.of("x"), c.string("a"));
        assertEquals(Optional.empty(), c.string("b"));
        assertEquals("dflt", c.string("missing", "dflt"));
        assertEquals("5", c.required("n"));
        InvalidConfigurationException e = bad(() -> c.required("b"));
        assertEquals("b", e.getProperty());
        assertEquals("b: required but missing", e.getMessage());
    }

    @Test
    void numbersComeTypedOrAsTextAndMustBeInRange() throws Exception {
        ConfigValues c = new ConfigValues(Map.of("i", 7, "s", " 8 ", "d", "0.5", "nan", "NaN", "x", "seven"));
        assertEquals(7, c.integer("i", 1, 0, 10));
        assertEquals(8, c.integer("s", 1, 0, 10));
        assertEquals(3, c.integer("missing", 3, 0, 10));
        assertEquals("i", bad(() -> c.integer("i", 1, 0, 5)).getProperty());
        assertTrue(bad(() -> c.integer("x", 1, 0, 5)).getMessage().contains("not an integer"));
        ConfigValues wide = new ConfigValues(Map.of("l", 4_294_967_301L, "f", 2.5));
        assertTrue(bad(() -> wide.integer("l", 1, 0, 10)).getMessage().contains("4294967301"));
        assertTrue(bad(() -> wide.integer("f", 1, 0, 10)).getMessage().contains("not an integer"));
        assertEquals(0.5, c.decimal("d", 0.1, 0, 1));
        assertEquals("nan", bad(() -> c.decimal("nan", 0.1, 0, 1)).getProperty());
    }

    @Test
    void booleansAreTrueOrFalseAndNothingElse() throws Exception {
        ConfigValues c = new ConfigValues(Map.of("t", Boolean.TRUE, "f", "FALSE", "y", "yes"));
        assertTrue(c.bool("t", false));
        assertFalse(c.bool("f", true));
        assertTrue(c.bool("missing", true));
        assertEquals("y", bad(() -> c.bool("y", false)).getProperty());
    }

    @Test
    void enumsPathsAndLists() throws Exception {
        ConfigValues c = new ConfigValues(Map.of(
                "u",
                "half-days",
                "v",
                "fortnights",
                "p",
                "rel/dir",
                "l",
                new String[] {"a, b", " ", "c"},
                "it",
                List.of("x,y"),
                "s",
                "p,q,,p"));
        assertEquals(ChronoUnit.HALF_DAYS, c.enumValue("u", ChronoUnit.class, ChronoUnit.DAYS));
        assertEquals(ChronoUnit.DAYS, c.enumValue("missing", ChronoUnit.class, ChronoUnit.DAYS));
        assertTrue(
                bad(() -> c.enumValue("v", ChronoUnit.class, null)).getMessage().contains("HALF_DAYS"));
        assertTrue(c.path("p").get().isAbsolute());
        assertEquals(Set.of("a", "b", "c"), c.strings("l"));
        assertEquals(Set.of("x", "y"), c.strings("it"));
        assertEquals(List.of("p", "q"), List.copyOf(c.strings("s")));
        assertEquals(Set.of(), c.strings("missing"));
    }
}
