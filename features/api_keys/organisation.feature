@api-keys
Feature: The organisation of an API key
  User guide 2.2: the user selects their organisation for the new key. Only organisations where the
  user is a member are offered, and only to holders of IAM_API_KEY_MANAGER (the role is granted for the
  application, so without it nothing is offered at all: see "Who may manage API keys").

  Scenario: A user of two organisations chooses the one the key is for
    Given an onboarded external user with the role "IAM_API_KEY_MANAGER" in the organisations "Acme Pharma NV" and "Belgian Vet Supplies BV"
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then the organisations offered are exactly "Acme Pharma NV, Belgian Vet Supplies BV"
    When they enter the name "Vet registrations" and select the organisation "Belgian Vet Supplies BV"
    And they click "Save"
    And they click "Done"
    Then the list shows the API key "Vet registrations" of "Belgian Vet Supplies BV", active and created by them
    And the API key "Vet registrations" opens the FAMHP Connect API for "Belgian Vet Supplies BV"

  @negative
  Scenario: An organisation the user is not a member of is never offered
    Given an onboarded external user with the role "IAM_API_KEY_MANAGER" in "Acme Pharma NV"
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then the organisations offered are exactly "Acme Pharma NV"

  @negative
  Scenario: A key manager who belongs to no organisation is offered none
    Given an onboarded external user with the role "IAM_API_KEY_MANAGER" who belongs to no organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then FAMHP Connect says they belong to no organisation for which they can manage API keys
