"""The suite's library: configuration, secrets, mail readers, the virtual authenticator, user providers, the
Keycloak admin and target API clients, evidence and reporting helpers, and the tasks steps share. It never
imports pytest's plugin (fixtures/) nor the steps; the plugin, the steps and `uat` build on it."""
