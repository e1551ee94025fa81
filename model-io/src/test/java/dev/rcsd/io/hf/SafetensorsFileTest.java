package dev.rcsd.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rcsd.io.FormatException;
import dev.rcsd.io.proto.DType;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;

  private static final String GOOD = "{\"__metadata__\":{\"format\":\"pt\"},"
      + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
      + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  @Test
  void readsAValidFileInDataOrder() throws IOException {
    Path f = dir.resolve("m.safetensors");
    SafetensorsFiles.write(f, GOOD, new byte[12]);
    SafetensorsFile s = SafetensorsFile.open(f);
    assertEquals("a", s.entries().get(0).info().name());
    assertEquals(DType.BF16, s.entries().get(1).info().dtype());
    assertEquals("pt", s.metadata().get("format"));
  }

  private String refused(String header, int dataBytes) throws IOException {
    Path f = dir.resolve("bad.safetensors");
    SafetensorsFiles.write(f, header, new byte[dataBytes]);
    FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.open(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void refusesHeadersThatLieAboutOffsets() throws IOException {
    assertTrue(refused(GOOD.replace("[8,12]", "[8,20]"), 12).contains("'b'"));
    assertTrue(refused(GOOD.replace("[8,12]", "[4,8]"), 12).contains("overlap or leave a hole"));
    assertTrue(refused(GOOD.replace("[8,12]", "[10,14]"), 14).contains("'b'"));
    assertTrue(refused(GOOD, 16).contains("cover 12 of 16"));
    assertTrue(refused(GOOD.replace("[8,12]", "[12,8]"), 12).contains("'b'"));
    assertTrue(refused(GOOD.replace("[8,12]", "[8,-4]"), 12).contains("'b'"));
  }

  @Test
  void refusesShapesAndDtypesThatDisagree() throws IOException {
    assertTrue(refused(GOOD.replace("\"shape\":[2],\"data_offsets\":[0,8]", "\"shape\":[3],\"data_offsets\":[0,8]"), 12)
        .contains("'a'"));
    assertTrue(refused(GOOD.replace("BF16", "F64"), 12).contains("dtype F64 is not supported"));
    assertTrue(refused(GOOD.replace("[2],\"data_offsets\":[8", "[-2],\"data_offsets\":[8"), 12).contains("'b'"));
    assertTrue(refused(GOOD.replace("\"shape\":[2],\"data_offsets\":[0,8]",
        "\"shape\":[4611686018427387904,8],\"data_offsets\":[0,8]"), 12).contains("'a'"));
  }

  @Test
  void refusesABrokenHeader() throws IOException {
    assertTrue(refused("{\"a\":", 0).contains("not valid JSON"));
    assertTrue(refused("[1,2]", 0).contains("not a JSON object"));
    assertTrue(refused(GOOD.replace("\"b\":", "\"a\":"), 12).contains("not valid JSON"));
    Path f = dir.resolve("len.safetensors");
    SafetensorsFiles.write(f, 1L << 40, "{}", new byte[0]);
    assertTrue(assertThrows(FormatException.class, () -> SafetensorsFile.open(f)).getMessage().contains("impossible"));
  }
}
