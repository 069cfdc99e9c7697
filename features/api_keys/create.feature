@api-keys
Feature: Creating an API key
  User guide 2.2: from the IAM External Portal dashboard the user opens FAMHP Connect, goes to the
  "API Keys" tab, creates a key with a name and their organisation, and saves it. The key's secret is
  shown once, to be copied; from then on the key opens the FAMHP Connect API for that organisation.
  (The key names below get a short random suffix when typed, so that runs never share a name.)

  Background:
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal

  @guide
  Scenario: Create an API key from the dashboard; its secret is shown exactly once
    When they open "FAMHP Connect" from its tile on the dashboard
    And they open the "API Keys" tab
    And they click the button to create a new API key
    And they enter the name "Nightly export" and select their organisation
    And they click "Save"
    Then the secret of the new API key is shown, with the advice to copy it now
    When they reload the page
    Then the secret is not shown again
    And the list shows the API key "Nightly export" of their organisation, active and created by them

  Scenario: The new key opens the API for its organisation, and the list then shows when it was last used
    Given they have created the API key "Nightly export" for their organisation in FAMHP Connect
    Then the list shows that the API key "Nightly export" has never been used
    When an application of their organisation calls the FAMHP Connect API with the API key "Nightly export"
    Then the API answers for their organisation and the API key "Nightly export"
    When they reload the page
    Then the list shows when the API key "Nightly export" was last used
