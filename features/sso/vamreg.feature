@sso @vamreg
Feature: VAMREG by single sign-on
  User guide 1.3: VAMREG opens from its direct link or from the IAM External Portal.

  Background:
    Given an onboarded external user with the role "VAMREG user" in their organisation

  @smoke @guide
  Scenario: From the portal tile, VAMREG opens without a second sign-in
    Given they have signed in to the IAM External Portal
    When they open "VAMREG" from its tile on the dashboard
    Then VAMREG opens for that user and their organisation
    And they were not asked to sign in again

  @guide
  Scenario: The direct link asks to sign in and then opens VAMREG
    When they open VAMREG by its direct link
    Then they are asked to sign in
    When they sign in with e-mail, password and a one-time code
    Then VAMREG opens for that user and their organisation

  Scenario: After signing in to the portal, the direct link opens VAMREG at once
    Given they have signed in to the IAM External Portal
    When they open VAMREG by its direct link
    Then VAMREG opens for that user and their organisation
    And they were not asked to sign in again
