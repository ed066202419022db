package io.baton.core.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import java.io.IOException;

/** JSON documents kept as node data by recipes (so they stay readable with any client). */
final class Documents {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Documents() {
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses node data written by a recipe; an unreadable document yields an empty object. */
  static ObjectNode parse(byte[] data) {
    try {
      JsonNode n = data == null || data.length == 0 ? null : MAPPER.readTree(data);
      return n instanceof ObjectNode o ? o : object();
    } catch (IOException e) {
      return object();
    }
  }

  /** Validates user-supplied JSON text. */
  static JsonNode parseUser(String json, String what) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null) {
        throw BatonException.badArguments(what + " must be a JSON document");
      }
      return n;
    } catch (IOException e) {
      throw BatonException.badArguments(what + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
