@api-keys
Feature: The organisation of an API key
  User guide 2.2: the user selects their organisation for the new key. Only organisations where the
  user is a member are offered, and only to holders of the API key manager role (the role is granted for
  the application, so without it nothing is offered at all: see "Who may manage API keys").

  Scenario: A user of two organisations chooses the one the key is for
    Given an onboarded external user with the role "API key manager" in their organisation and their second organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then the organisations offered are exactly their organisation and their second organisation
    When they enter the name "Vet registrations" and select their second organisation
    And they click "Save"
    And they click "Done"
    Then the list shows the API key "Vet registrations" of their second organisation, active and created by them
    And the API key "Vet registrations" opens the FAMHP Connect API for their second organisation

  @negative
  Scenario: An organisation the user is not a member of is never offered
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then the organisations offered are exactly their organisation

  @negative
  Scenario: A key manager who belongs to no organisation is offered none
    Given an onboarded external user with the role "API key manager" who belongs to no organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    Then FAMHP Connect says they belong to no organisation for which they can manage API keys
