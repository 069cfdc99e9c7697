@security @api-keys @negative
Feature: Access to FAMHP Connect follows the account in Keycloak
  User guide 2.1: what a user may do follows their account and roles. An account disabled in Keycloak, or a role
  taken away there, loses access to FAMHP Connect within the bound the deployment documents (set in its profile),
  not only when the session ends hours later.

  Scenario: An account disabled in Keycloak loses access to FAMHP Connect within the documented bound
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When their account is disabled in Keycloak
    Then within the documented bound FAMHP Connect no longer shows them the "API Keys" tab

  Scenario: A role taken away in Keycloak closes its tab within the documented bound
    Given an onboarded external user with the role "API key manager, user manager" in their organisation
    And they have signed in to the IAM External Portal
    And they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When their role "API key manager" is taken away in Keycloak
    Then within the documented bound FAMHP Connect no longer shows them the "API Keys" tab
