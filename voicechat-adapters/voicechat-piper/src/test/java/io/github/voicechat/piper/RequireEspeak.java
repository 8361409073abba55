package io.github.voicechat.piper;

import io.github.voicechat.piper.internal.Espeak;
import io.github.voicechat.testkit.SystemPackages;

/** The Piper tests' guard: skip with the install line where libespeak-ng is missing (fail in CI). */
public final class RequireEspeak {

    private RequireEspeak() {
    }

    public static void require() {
        SystemPackages.require("libespeak-ng", Espeak.unavailableReason(), SystemPackages.ESPEAK_NG);
    }
}
