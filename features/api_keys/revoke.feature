@api-keys
Feature: Revoking an API key
  User guide 2.2: the user manages the API keys of their organisation in FAMHP Connect. Revoking a key
  asks for confirmation first; a revoked key no longer opens the FAMHP Connect API.
  (Typed key names get a short random suffix, so runs never share one.)

  Background:
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    And they have created the API key "Nightly export" for their organisation in FAMHP Connect

  @negative
  Scenario: Cancelling the confirmation keeps the key working
    When they ask to revoke the API key "Nightly export"
    Then they are asked to confirm revoking "Nightly export"
    When they cancel the confirmation
    Then the list shows the API key "Nightly export" as "Active"
    And the API key "Nightly export" opens the FAMHP Connect API for their organisation

  Scenario: A revoked key is shown as revoked and the API refuses it
    When they ask to revoke the API key "Nightly export"
    And they confirm the revocation
    Then the list shows the API key "Nightly export" as "Revoked"
    And the FAMHP Connect API refuses the API key "Nightly export"
