@security @api-keys @negative
Feature: FAMHP Connect keeps each organisation's API keys to its own managers
  User guide 2.1 and 2.2, as someone who tampers with the screens meets them: FAMHP Connect checks on every
  request that the user may act for the key's organisation, not only by what its screens offer, and a revoked key
  stops working at once. A request for an organisation the user may not act for is made here as a forged one
  looks to FAMHP Connect: a form or confirmation opened while the user was a member of that organisation and sent
  after Keycloak's administrator removed them from it. (Typed key names get a short random suffix.)

  Background:
    Given an onboarded external user with the role "API key manager" in their organisation and their second organisation
    And they have signed in to the IAM External Portal

  Scenario: A forged organisation is refused and no key is created for it
    Given they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    And they enter the name "Forged" and select their second organisation
    And they are removed from their second organisation in Keycloak
    And they try to save the new key
    Then FAMHP Connect refuses the request
    When they are a member of their second organisation again
    Then no API key "Forged" is listed for their second organisation

  Scenario: Another organisation's key cannot be revoked
    Given they have created the API key "Partner feed" for their second organisation in FAMHP Connect
    When they ask to revoke the API key "Partner feed"
    And they are removed from their second organisation in Keycloak
    And they confirm the revocation
    Then FAMHP Connect refuses the request
    And the API key "Partner feed" opens the FAMHP Connect API for their second organisation

  Scenario: A revoked key is refused at once, even right after it was used
    Given they have created the API key "Nightly export" for their organisation in FAMHP Connect
    When an application of their organisation calls the FAMHP Connect API with the API key "Nightly export"
    Then the API answers for their organisation and the API key "Nightly export"
    When they ask to revoke the API key "Nightly export"
    And they confirm the revocation
    Then the FAMHP Connect API refuses the API key "Nightly export"
