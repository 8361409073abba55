package io.github.voicechat.piper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of a voice's .onnx.json, written by the test in the documented Piper format. */
class PiperVoiceConfigTest {

    @Test
    void readsEveryDocumentedField(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("v.onnx.json");
        Files.writeString(json, TinyPiperModel.voiceJson(true, 22050, "en-us"));
        PiperVoiceConfig c = PiperVoiceConfig.load(json);
        assertThat(c.sampleRateHz()).isEqualTo(22050);
        assertThat(c.espeakVoice()).isEqualTo("en-us");
        assertThat(c.phonemeType()).isEqualTo(PiperVoiceConfig.PhonemeType.ESPEAK);
        assertThat(c.numSymbols()).isEqualTo(256);
        assertThat(c.numSpeakers()).isEqualTo(2);
        assertThat(c.speakerIdMap()).containsExactly(java.util.Map.entry("alice", 0), java.util.Map.entry("bob", 1));
        assertThat(c.noiseScale()).isEqualTo(0.667f);
        assertThat(c.lengthScale()).isEqualTo(1.0f);
        assertThat(c.noiseW()).isEqualTo(0.8f);
        assertThat(c.phonemeIdMap()).hasSize(159);
        assertThat(c.phonemeIdMap().get("_")).containsExactly(0);
        assertThat(c.phonemeIdMap().get("^")).containsExactly(1);
        assertThat(c.phonemeIdMap().get("$")).containsExactly(2);
        assertThat(c.phonemeIdMap().get("ə")).containsExactly(59);
        assertThat(c.phonemeIdMap().get("ɹ")).containsExactly(88);
        assertThat(c.phonemeIdMap().get("ˈ")).containsExactly(120);
        assertThat(c.phonemeIdMap().get("\u0327")).containsExactly(140);
        assertThat(c.phonemeIdMap().get("\"")).containsExactly(150);
        assertThat(c.speakerId("bob")).isEqualTo(1);
        assertThat(c.speakerId("0")).isEqualTo(0);
    }

    @Test
    void inferenceDefaultsArePipersWhenAbsent() {
        PiperVoiceConfig c = PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":16000},\"espeak\":{\"voice\":\"en-gb\"},"
                + "\"num_symbols\":4,\"num_speakers\":1,\"phoneme_id_map\":{\"_\":[0],\"^\":[1],\"$\":[2],\"a\":[3]}}");
        assertThat(c.noiseScale()).isCloseTo(0.667f, within(0f));
        assertThat(c.lengthScale()).isEqualTo(1.0f);
        assertThat(c.noiseW()).isEqualTo(0.8f);
        assertThat(c.phonemeType()).isEqualTo(PiperVoiceConfig.PhonemeType.ESPEAK);
        assertThat(c.speakerIdMap()).isEmpty();
    }

    @Test
    void malformedConfigsNameTheFieldAndTheValue() {
        String ok = "\"espeak\":{\"voice\":\"en-us\"},\"num_symbols\":4,\"num_speakers\":1,"
                + "\"phoneme_id_map\":{\"_\":[0],\"^\":[1],\"$\":[2],\"a\":[3]}";
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{" + ok + "}"))
                .hasMessage("Piper voice config lacks required field 'audio'");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{}," + ok + "}"))
                .hasMessage("Piper voice config lacks required field 'audio.sample_rate'");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":-5}," + ok + "}"))
                .hasMessage("audio.sample_rate must be 1..384000 Hz, was -5");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":16000}," + ok.replace("[3]", "[9]") + "}"))
                .hasMessage("phoneme_id_map['a'] has id 9, outside 0..3 (num_symbols 4)");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":16000}," + ok.replace("\"_\":[0],", "") + "}"))
                .hasMessage("phoneme_id_map must map '_' (Piper's pad symbol) to an id");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":16000},\"phoneme_type\":\"openjtalk\"," + ok + "}"))
                .hasMessage("phoneme_type 'openjtalk' is not supported; expected 'espeak' or 'text'");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{\"audio\":{\"sample_rate\":16000},\"inference\":{\"noise_w\":\"x\"}," + ok + "}"))
                .hasMessage("inference.noise_w must be a number, was \"x\"");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("[1]")).hasMessage("Piper voice config must be a JSON object");
        assertThatThrownBy(() -> PiperVoiceConfig.parse("{")).hasMessageStartingWith("Piper voice config is not valid JSON");
    }

    @Test
    void unknownSpeakerNamesTheChoices(@TempDir Path dir) {
        PiperVoiceConfig c = PiperVoiceConfig.parse(TinyPiperModel.voiceJson(true, 22050, "en-us"));
        assertThatThrownBy(() -> c.speakerId("carol"))
                .hasMessage("speaker 'carol' is not a speaker of this voice: expected a name of [alice, bob] or an id in 0..1");
        assertThatThrownBy(() -> c.speakerId("2")).hasMessageContaining("or an id in 0..1");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> PiperVoiceConfig.load(dir.resolve("none.onnx.json")))
                .hasMessage("Piper voice config " + dir.resolve("none.onnx.json") + " does not exist");
    }
}
